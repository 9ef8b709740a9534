#!/usr/bin/env bash
# tools/lifecycle/hostile_inputs.sh NSLAB PLUGIN_DIR [SCRATCH]
#
# Tries nslab the way a hostile or unlucky user would, one command per fault
# class of the run lifecycle (docs/exit-status.md), and prints one row per
# try: class, command, exit status, the last line nslab printed, and what was
# observed on disk. Run it against two builds to see a change's before and
# after. Run as root (it makes a device node, and runs one try as 'nobody').
# It never asks for more than a few threads or seconds: a request like
# threads=100000 is only tried where nslab caps it (the row says so).
set -u
NSLAB=$(realpath "$1")
PLUGINS=$(realpath "$2")
S=${3:-/tmp/nslab-hostile.$$}
rm -rf "$S" && mkdir -p "$S" && chmod 755 "$S"
cd "$S" || exit 1
QUICK=nss/analytic/gaussian/d2/fp64   # seconds
LONG=nss/synthetic/mapping/ci/fp64    # tens of seconds, many outer steps

# row CLASS COMMAND STATUS LOG OBSERVED
row() {
  local last
  last=$(grep -v '^$' "$4" | tail -n 1)
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${last:-(nothing)}" "$5"
}
# try CLASS OBSERVE-COMMAND -- NSLAB-ARGS...: runs nslab, then OBSERVE
try() {
  local class=$1 observe=$2
  shift 3
  local log="$S/log.$RANDOM"
  timeout -s KILL 600 "$NSLAB" "$@" >"$log" 2>&1  # a try that never ends reads 137
  local status=$?
  row "$class" "nslab $*" "$status" "$log" "$(eval "$observe")"
}
wait_for() {  # wait_for FILE SECONDS
  local i=0
  while [ ! -e "$1" ] && [ $i -lt $(($2 * 20)) ]; do sleep 0.05; i=$((i + 1)); done
}
jget() {  # jget FILE a.b.c: a field of a result file, or "no result"
  python3 - "$1" "$2" <<'PY' 2>/dev/null || echo "no result"
import json, sys
value = json.load(open(sys.argv[1]))
for key in sys.argv[2].split("."):
    value = value[key]
print(value)
PY
}

# --- requests beyond the machine --------------------------------------------
"$NSLAB" run $QUICK --quiet --set threads=64 --out "$S/threads.json" >"$S/threads.log" 2>&1 &
pid=$!
peak=0
while kill -0 $pid 2>/dev/null; do
  n=$(awk '/^Threads:/{print $2}' /proc/$pid/status 2>/dev/null || echo 0)
  [ "${n:-0}" -gt "$peak" ] && peak=$n
  sleep 0.05
done
wait $pid; st=$?
row threads "nslab run $QUICK --set threads=64 (nproc $(nproc))" "$st" "$S/threads.log" "peak threads $peak"
if grep -q 'capped' "$S/threads.log"; then
  try threads 'echo capped' -- run $QUICK --quiet --set threads=100000 --out "$S/threads100k.json"
else
  echo -e "threads\tnslab run $QUICK --set threads=100000\tnot tried\t-\tthis build does not cap threads: it would start 100000"
fi
( ulimit -v 4000000; "$NSLAB" run $QUICK --quiet --set n_live=1000000000 --out "$S/huge.json" >"$S/huge.log" 2>&1; echo $? >"$S/huge.status" )
row memory "ulimit -v 4000000; nslab run $QUICK --set n_live=1000000000" "$(cat "$S/huge.status")" "$S/huge.log" "-"

# --- --out checked before sampling ----------------------------------------
mkdir -p "$S/a-directory"
start=$(date +%s.%N)
try out-directory 'printf "after %.1f s" "$(echo "$(date +%s.%N) - $start" | bc)"' -- run nss/analytic/gaussian/d5/fp64 --quiet --out "$S/a-directory"
mkdir -p "$S/read-only" && chown nobody "$S/read-only" && chmod 555 "$S/read-only"
start=$(date +%s.%N)
setpriv --reuid=65534 --regid=65534 --clear-groups "$NSLAB" run nss/analytic/gaussian/d5/fp64 --quiet --out "$S/read-only/r.json" >"$S/ro.log" 2>&1
row out-read-only "(as nobody) nslab run nss/analytic/gaussian/d5/fp64 --out read-only/r.json" $? "$S/ro.log" "$(printf "after %.1f s" "$(echo "$(date +%s.%N) - $start" | bc)")"
echo '{"keep": true}' >"$S/target.json" && ln -sf "$S/target.json" "$S/link.json"
try out-symlink 'echo "link.json is $(stat -c %F "$S/link.json"), target $(cat "$S/target.json")"' -- run $QUICK --quiet --out "$S/link.json"
mknod "$S/null-device" c 1 3
try out-device 'echo "null-device is $(stat -c %F "$S/null-device")"' -- run $QUICK --quiet --out "$S/null-device"

# --- a failed final write keeps the checkpoint ------------------------------
"$NSLAB" run $LONG --quiet --set threads=1 --checkpoint-every 1 --out "$S/late.json" >"$S/late.log" 2>&1 &
pid=$!
wait_for "$S/late.json.checkpoint" 120
mkdir -p "$S/late.json"   # the result's path becomes a folder while it samples
wait $pid; st=$?
row final-write "nslab run $LONG --out late.json (late.json made a folder while sampling)" "$st" "$S/late.log" \
  "checkpoint $( [ -e "$S/late.json.checkpoint" ] && echo kept || echo gone)"
if [ -e "$S/late.json.checkpoint" ]; then
  rmdir "$S/late.json"
  try final-write-resume 'echo "late.json $( [ -f "$S/late.json" ] && echo written || echo missing)"' -- run $LONG --quiet --set threads=1 --resume --out "$S/late.json"
fi

# --- a corrupted checkpoint -------------------------------------------------
"$NSLAB" run $LONG --quiet --set threads=1 --out "$S/whole.json" >/dev/null 2>&1
"$NSLAB" run $LONG --quiet --set threads=1 --checkpoint-every 1 --out "$S/flip.json" >/dev/null 2>&1 &
pid=$!
wait_for "$S/flip.json.checkpoint" 120
sleep 0.5
kill -9 $pid; wait $pid 2>/dev/null
python3 - "$S/flip.json.checkpoint" <<'EOF'
# One bit of one record: the top mantissa bit of the first live point's log L
# (layout of samplers/nss/nss_checkpoint.cpp: length-prefixed magic and
# fingerprint, outer step, then the live set's dim, positions, log L).
import struct, sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
at = 0
for _ in range(2):  # magic, fingerprint
    (n,) = struct.unpack_from("<Q", data, at)
    at += 8 + n
at += 4 + 8  # outer step (uint32), dim
(n,) = struct.unpack_from("<Q", data, at)
at += 8 + 8 * n  # positions
at += 8  # the log L count
data[at + 6] ^= 0x08  # bit 51 of log_l[0]
open(path, "wb").write(bytes(data))
EOF
try checkpoint-bit-flip 'echo "log Z $(jget "$S/flip.json" results.log_evidence), uninterrupted $(jget "$S/whole.json" results.log_evidence)"' -- run $LONG --quiet --set threads=1 --resume --out "$S/flip.json"

# --- one run per output -----------------------------------------------------
"$NSLAB" run $LONG --quiet --set threads=1 --checkpoint-every 1 --out "$S/shared.json" >"$S/first.log" 2>&1 &
pid=$!
wait_for "$S/shared.json.checkpoint" 120
try two-runs 'echo "the first run checkpoint $( [ -e "$S/shared.json.checkpoint" ] && echo kept || echo gone)"' -- run $QUICK --quiet --out "$S/shared.json"
wait $pid; first=$?
row two-runs-first "the first run of the pair" "$first" "$S/first.log" "-"
"$NSLAB" run $LONG --quiet --set threads=1 --checkpoint-every 1 --out "$S/left.json" >/dev/null 2>&1 &
pid=$!
wait_for "$S/left.json.checkpoint" 120
kill -9 $pid; wait $pid 2>/dev/null
try checkpoint-without-resume 'echo "checkpoint $( [ -e "$S/left.json.checkpoint" ] && echo kept || echo gone)"' -- run $QUICK --quiet --out "$S/left.json"

# --- budgets between likelihood calls ---------------------------------------
try max-evals 'echo "$(jget "$S/evals.json" performance.likelihood_evals) evals"' -- run nss/analytic/gaussian/d5/fp64 --quiet --set max_evals=3000 --out "$S/evals.json"
try max-evals-init 'echo "$(jget "$S/init.json" performance.likelihood_evals) evals"' -- run $QUICK --quiet --set max_evals=50 --set chunk_size=10 --out "$S/init.json"
start=$(date +%s.%N)
try max-wall 'printf "after %.1f s, %s calls" "$(echo "$(date +%s.%N) - $start" | bc)" "$(jget "$S/wall.json" performance.likelihood_calls)"' -- run nss/plugin/slow/-/fp64 --quiet --set plugin="$PLUGINS/libnslab_slow_plugin.so" --set threads=1 --set chunk_size=10 --set max_wall_s=1 --out "$S/wall.json"
start=$(date +%s.%N)
try max-wall-init 'printf "after %.1f s" "$(echo "$(date +%s.%N) - $start" | bc)"' -- run nss/plugin/slow/-/fp64 --quiet --set plugin="$PLUGINS/libnslab_slow_plugin.so" --set threads=1 --set chunk_size=10 --set max_wall_s=0.1 --out "$S/wall-init.json"

# --- non-finite everywhere --------------------------------------------------
try all-nan 'echo -' -- run nss/plugin/nan/-/fp64 --quiet --set plugin="$PLUGINS/libnslab_nan_plugin.so" --set max_steps=3 --out "$S/nan.json"
try all-inf 'echo -' -- run nautilus/plugin/inf/-/fp64 --quiet --set plugin="$PLUGINS/libnslab_inf_plugin.so" --set max_evals=2000 --out "$S/inf.json"

# --- crashing plugins -------------------------------------------------------
for fault in segv abort ctor_crash exit0; do
  try plugin-$fault 'echo "result $( [ -e "$S/$fault.json" ] && echo written || echo none)"' -- run nss/plugin/$fault/-/fp64 --quiet --set plugin="$PLUGINS/libnslab_${fault}_plugin.so" --out "$S/$fault.json"
done

# --- signals ----------------------------------------------------------------
for sig in INT TERM; do
  # A background job of a script starts with SIGINT ignored: restore it.
  env --default-signal=INT "$NSLAB" run $LONG --quiet --set threads=1 --checkpoint-every 1 --out "$S/sig$sig.json" >"$S/sig$sig.log" 2>&1 &
  pid=$!
  wait_for "$S/sig$sig.json.checkpoint" 120
  sleep 0.3
  kill -$sig $pid
  wait $pid; st=$?
  row "signal-$sig" "kill -$sig during nslab run $LONG" "$st" "$S/sig$sig.log" \
    "checkpoint $( [ -e "$S/sig$sig.json.checkpoint" ] && echo kept || echo gone)"
done
if [ -e "$S/sigTERM.json.checkpoint" ]; then
  try signal-resume 'echo "log Z $(jget "$S/sigTERM.json" results.log_evidence), uninterrupted $(jget "$S/whole.json" results.log_evidence)"' -- run $LONG --quiet --set threads=1 --resume --out "$S/sigTERM.json"
fi

# --- numbers and names parsed strictly ------------------------------------
try checkpoint-every-negative 'echo -' -- run $QUICK --quiet --checkpoint-every -1 --set max_evals=1 --out "$S/ce.json"
try simulate-seed-negative 'echo "$(ls "$S/sim" 2>/dev/null | wc -l) files"' -- simulate ci --seed -1 --out "$S/sim"
try integer-overflow 'echo -' -- run $QUICK --quiet --set n_live=99999999999999999999 --out "$S/o1.json"
try real-overflow 'echo -' -- run $QUICK --quiet --set termination=1e999 --out "$S/o2.json"
try seed-overflow 'echo -' -- run $QUICK --quiet --set seed=18446744073709551616 --out "$S/o3.json"
try duplicate-set 'echo "n_live $(jget "$S/dup.json" config.n_live)"' -- run $QUICK --quiet --set n_live=100 --set n_live=300 --set max_evals=1 --out "$S/dup.json"
try probe-budget-0 'echo -' -- probe $QUICK --budget 0
try eval-at-nan 'echo -' -- eval $QUICK --at nan,nan
try plugin-name-dotdot 'echo "$(find "$S/results" -maxdepth 3 -type d 2>/dev/null | tr "\n" " ")"' -- run 'nss/plugin/../-/fp64' --quiet --set plugin="$PLUGINS/libnslab_example_plugin.so" --results-root "$S/results"
try plugin-name-star 'echo -' -- run 'nss/plugin/*/-/fp64' --quiet --set plugin="$PLUGINS/libnslab_example_plugin.so" --results-root "$S/results"
mkdir -p "$S/only-data" && "$NSLAB" simulate ci --out "$S/sim-ok" >/dev/null 2>&1 && cp "$S/sim-ok/data.fits" "$S/sim-ok/psf.fits" "$S/only-data/"
try missing-noise-map 'echo -' -- run nss/imaging/mge/ci/fp64 --quiet --set dataset="$S/only-data" --out "$S/mn.json"
rm -f "$S/only-data/psf.fits" && cp "$S/sim-ok/noise_map.fits" "$S/only-data/"
try missing-psf 'echo -' -- run nss/imaging/mge/ci/fp64 --quiet --set dataset="$S/only-data" --out "$S/mp.json"
rm -rf "$S"
