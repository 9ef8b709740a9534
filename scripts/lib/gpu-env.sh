# Sourced by the GPU check scripts (scripts/gpu-check-lens, gpu-check-pixelized):
# finds the binaries scripts/gpu-build made and carried, links the machine's
# libraries first and a carried one only where the machine lacks it (or has
# an older libstdc++), and writes OUTDIR/environment.txt.
# In: $out (the output folder), $build (default build/h100-fp64), $check (the
# script's name, for messages). Out: $bin, $tests_bin, $have_gpu (1 or 0),
# LD_LIBRARY_PATH exported; returns 2 when a library is still missing.
build=${build:-${NSLAB_GPU_BUILD:-build/h100-fp64}}
bin=$build/carry/bin
libs=$build/carry/gpu-libs
tests_bin=$bin/nslab_gpu_tests
[[ -x $bin/nslab ]] || { bin=$build; libs=$build/gpu-libs; tests_bin=$build/tests/nslab_gpu_tests; }
# scripts/gpu-build packs the libraries (gpu-libs.tar.xz): unpacked to a temporary folder.
if [[ ! -d $libs && -f $build/carry/gpu-libs.tar.xz ]]; then
  unpacked=$(mktemp -d)
  tar -xJf "$build/carry/gpu-libs.tar.xz" -C "$unpacked" && libs=$unpacked/gpu-libs
fi
for binary in "$bin/nslab" "$tests_bin"; do
  [[ -x $binary ]] || { echo "$check: no $binary (run scripts/gpu-build here first)"; return 2; }
done

for dir in /usr/local/cuda/lib64 /usr/local/cuda/extras/CUPTI/lib64; do
  [[ -d $dir ]] && LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$dir"
done
carried=$(mktemp -d)
export LD_LIBRARY_PATH="$carried${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for round in 1 2 3 4 5 6; do
  report=$(ldd "$bin/nslab" "$tests_bin" 2>&1)
  missing=$(awk '/=> not found/ { print $1 }' <<< "$report" | sort -u)
  grep -qE "version .(GLIBCXX|CXXABI)_[0-9.]+. not found" <<< "$report" && missing="$missing libstdc++.so.6 libgcc_s.so.1"
  added=0
  for name in $missing; do
    for dir in "$libs" "$libs/fallback"; do
      if [[ -e $dir/$name && ! -e $carried/$name ]]; then
        ln -s "$(cd "$dir" && pwd)/$name" "$carried/$name" && added=1
        echo "$check: using the carried $name"
        break
      fi
    done
  done
  [[ $added -eq 1 ]] || break
done

{
  echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
  nvidia-smi --query-gpu=name,memory.total,memory.used,driver_version,compute_cap,clocks.sm,clocks.max.sm --format=csv 2>&1
  nproc
  echo "--- ldd"
  ldd "$bin/nslab" "$tests_bin" 2>&1
} > "$out/environment.txt"
if nvidia-smi --query-gpu=name,memory.total,memory.used,driver_version,compute_cap --format=csv 2>/dev/null; then
  have_gpu=1
else
  have_gpu=0
  echo "no GPU here (nvidia-smi failed): the device tests will skip and no cells run"
fi
if ldd "$bin/nslab" "$tests_bin" 2>&1 | grep "not found"; then
  echo "$check: libraries still missing (see $out/environment.txt)"
  return 2
fi
