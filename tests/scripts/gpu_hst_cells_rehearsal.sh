#!/usr/bin/env bash
# scripts/gpu-hst-cells without a GPU (ctest GpuHstCells*, docs/gpu-hst-cells.md):
#  1. --dry-run prints one command per run of the twelve-run hst manifest, with
#     autolens_profiling's settings and the anchors' dataset;
#  2. --rehearse (two runs of a cheap ci cell, backend=cpu), once uninterrupted and once
#     over short "allocations" with --stage between them: every result file is
#     bit for bit the uninterrupted one's, and a resumed run says over how many
#     processes it ran and sums their sampler walls.
# Usage: tests/scripts/gpu_hst_cells_rehearsal.sh BUILD_DIR
set -uo pipefail
build=$(cd "${1:?usage: gpu_hst_cells_rehearsal.sh BUILD_DIR}" && pwd)
repo=$(cd "$(dirname "$0")/../.." && pwd)
script=$repo/scripts/gpu-hst-cells
scratch=$build/test-scratch/gpu-hst-cells
rm -rf "$scratch" && mkdir -p "$scratch"
export NSLAB_BIN=$build/nslab
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# 1. The dry run. A build with CUDA (NSLAB_CUDA, the ci preset) has a device
# path for all six cells, so all twelve runs must be in the manifest. Every
# run is backend=cuda, so a build without CUDA can run none of them: there the
# dry run must refuse with exit 2, giving nslab's reason for each of the twelve.
if grep -q '^NSLAB_CUDA:BOOL=ON' "$build/CMakeCache.txt"; then
  "$script" --dry-run "$scratch/dry" > "$scratch/dry.txt" || fail "--dry-run exited $?"
  manifest=$scratch/dry/hst-cells.txt
  commands=$(grep -c '^nslab sweep hst-cells.txt --index' "$scratch/dry.txt")
  [[ $commands -eq 12 ]] || fail "--dry-run of a CUDA build: $commands run commands, not 12: $(grep refused "$scratch/dry.txt")"
  for cell in nss nautilus; do
    for model in mge pixelization delaunay; do
      for data in 'dataset=../shared/datasets/imaging/hst' 'dataset=simulated'; do
        grep -qE "^[0-9]+ $cell/imaging/$model/hst/fp64 .* $data( |$)" "$manifest" ||
          grep -qF "# refused by this build: $cell/imaging/$model/hst/fp64 $data: " "$scratch/dry.txt" ||
          fail "no $cell $model run with $data, and no refusal"
      done
    done
  done
  grep -qE '^[0-9]+ nss/imaging/mge/hst/fp64 ' "$manifest" ||
    fail "the MGE cells (they have a CUDA path) are not in the manifest"
  expect_settings() {  # expect_settings CELL SETTING...: each of the cell's lines has every SETTING
    local cell=$1 line setting
    shift
    while read -r line; do
      for setting in "$@"; do
        [[ " $line " == *" $setting "* ]] || fail "$cell lacks $setting: $line"
      done
    done < <(grep -E "^[0-9]+ $cell " "$manifest")
  }
  for model in mge pixelization delaunay; do
    [[ $model == mge ]] && live=200 || live=150
    expect_settings nss/imaging/$model/hst/fp64 backend=cuda n_live=$live num_delete=50 num_inner_steps=5 \
      termination=-3 seed=42 chunk_size=auto
    [[ $model == mge ]] && batch=100 || batch=16
    expect_settings nautilus/imaging/$model/hst/fp64 backend=cuda n_live=$live n_batch=$batch n_eff=500 seed=42
  done
  expect_settings nss/imaging/delaunay/hst/fp64 inversion=sparse
  expect_settings nautilus/imaging/delaunay/hst/fp64 inversion=dense
  grep -qE '^nslab sweep hst-cells.txt --index [0-9]+ --checkpoint-every 1 +# nss/' "$scratch/dry.txt" ||
    fail "NSS runs do not checkpoint every outer step"
else
  "$script" --dry-run "$scratch/dry" > "$scratch/dry.txt" 2>&1
  status=$?
  [[ $status -eq 2 ]] || fail "--dry-run of a build without CUDA exited $status, not 2"
  grep -q '^gpu-hst-cells: no cell could be run' "$scratch/dry.txt" || fail "--dry-run without CUDA does not say that no cell could be run"
  refusals=$(grep -c 'backend=cuda: this nslab build has no CUDA' "$scratch/dry.txt")
  [[ $refusals -eq 12 ]] || fail "--dry-run without CUDA: $refusals refusals with nslab's reason, not 12"
fi

# 2. The rehearsal: two runs of nss/synthetic/mapping/ci (seeds 42 and 43).
NSLAB_STATE_IN=$scratch/whole-state "$script" --rehearse "$scratch/whole" > "$scratch/whole.log" 2>&1
status=$?
[[ $status -eq 0 ]] || fail "the uninterrupted rehearsal exited $status (see $scratch/whole.log)"
NSLAB_STATE_IN=$scratch/whole-state "$script" --stage "$scratch/whole" "$scratch/whole-results" > /dev/null ||
  fail "--stage of the uninterrupted rehearsal failed"

# Allocations of 3, 4, 5, ... seconds until every run has its result.
export NSLAB_STATE_IN=$scratch/state
allocation=0
while :; do
  allocation=$((allocation + 1))
  ((allocation <= 30)) || { fail "not finished after 30 allocations"; break; }
  NSLAB_DEADLINE_S=$((allocation + 2)) NSLAB_GRACE_S=5 "$script" --rehearse "$scratch/out$allocation" \
    > "$scratch/allocation$allocation.log" 2>&1
  status=$?
  "$script" --stage "$scratch/out$allocation" "$scratch/results" > /dev/null || { fail "--stage failed"; break; }
  [[ $status -eq 0 ]] && break
  [[ $status -eq 3 ]] || { fail "allocation $allocation exited $status (see $scratch/allocation$allocation.log)"; break; }
done
echo "rehearsal finished over $allocation allocation(s)"

python3 - "$scratch/whole-results" "$scratch/results" <<'PY' || failures=$((failures + 1))
import json, pathlib, sys
whole, pieces = (pathlib.Path(p) for p in sys.argv[1:3])
names = sorted(p.relative_to(whole) for p in whole.rglob("*.json"))
ok = len(names) == 2
if not ok:
    print(f"FAIL: {len(names)} uninterrupted results, not 2")
resumed = 0
for name in names:
    a, b = (json.loads((root / name).read_text()) for root in (whole, pieces))
    for block in ("config", "results", "model_summary"):
        if a[block] != b[block]:
            print(f"FAIL: {name}: {block} differs from the uninterrupted run's"); ok = False
    if a["performance"]["likelihood_evals"] != b["performance"]["likelihood_evals"]:
        print(f"FAIL: {name}: evaluation counts differ"); ok = False
    perf = b["performance"]
    if b["results"]["stopped_by"] != "termination":
        print(f"FAIL: {name}: stopped by {b['results']['stopped_by']}"); ok = False
    if perf["processes"] > 1:
        resumed += 1
        earlier = perf["earlier_processes_sampler_wall_s"]
        if not 0 < earlier < perf["sampler_wall_s"] <= perf["total_wall_s"]:
            print(f"FAIL: {name}: walls of a resumed run: {perf}"); ok = False
    elif perf["earlier_processes_sampler_wall_s"] != 0:
        print(f"FAIL: {name}: earlier walls without a resume"); ok = False
    print(f"{name}: {perf['processes']} process(es), sampler wall {perf['sampler_wall_s']:.2f} s "
          f"({perf['earlier_processes_sampler_wall_s']:.2f} s before the last)")
if resumed == 0:
    print("FAIL: no run was resumed: the allocations were too long to interrupt any"); ok = False
sys.exit(0 if ok else 1)
PY

[[ $failures -eq 0 ]] && echo "gpu-hst-cells rehearsal: passed" || echo "gpu-hst-cells rehearsal: $failures failure(s)"
exit $((failures > 0))
