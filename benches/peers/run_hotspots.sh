#!/usr/bin/env bash
# Side by side: `citygrid hotspots` (local Getis-Ord Gi*, queen weights; release build) against
# PySAL's esda `G_Local(transform="B", star=True)` on libpysal `lat2W` queen weights, on the same
# lattices of 100 m squares (make_lattice.py: EPSG:4549 near Rizhao, row-major in lat2W's order).
# Analytic z and 999 conditional permutations, for each N. The two sides run one after the other.
#
# esda runs in two venvs of this script's own with the same pins: $VENV (default .venv, shared
# with the other peer scripts) without numba, where esda's permutation kernel is plain Python
# and numpy, and $VENV_NUMBA (default .venv-numba) with numba, which compiles that kernel.
# Permutation runs of esda are skipped above PEER_PERMUTATIONS_MAX_N cells (default 200,000):
# each cell's step copies the n-long value array, so esda's test grows as n squared (about half
# an hour without numba and a quarter of an hour with it at 1M cells here). For those sizes the
# peer times its kernel on the first PEER_ESTIMATE_CELLS cells (default 5000) and extrapolates.
#
# Times are wall seconds by /usr/bin/time of the whole command, best of up to 3 runs (fewer once
# the runs took a minute), and the largest peak RSS; the esda lines above the table also give
# the library calls alone (time.perf_counter, without interpreter start, imports and reading).
# citygrid's times include reading the GeoParquet, building queen weights from the polygons and
# writing the output: the 999-permutation run minus the analytic run is the permutation test.
#
#   CITYGRID=/path/to/citygrid benches/peers/run_hotspots.sh [N ...]   # default: 100000 1000000
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ $# -gt 0 ]; then sizes=("$@"); else sizes=(100000 1000000); fi
venv="${VENV:-$here/.venv}"
venv_numba="${VENV_NUMBA:-$here/.venv-numba}"
citygrid="${CITYGRID:-${CARGO_TARGET_DIR:-$root/target}/release/citygrid}"
perm_max_n=${PEER_PERMUTATIONS_MAX_N:-200000}
estimate_cells=${PEER_ESTIMATE_CELLS:-5000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -x "$citygrid" ]; then
  echo "no citygrid at $citygrid: cargo build --release -p grid-jobs --bin citygrid, or set CITYGRID" >&2
  exit 2
fi
pins=(esda==2.9.0 libpysal==4.14.1 numpy==2.4.6 scipy==1.17.1 pandas==3.1.1 shapely==2.2.0
  pyarrow==26.0.1 pyproj==3.7.2 geopandas==1.2.0 scikit-learn==1.9.1 joblib==1.6.0 threadpoolctl==3.8.0)
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
[ -x "$venv_numba/bin/python" ] || python3 -m venv "$venv_numba"
"$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}"
"$venv_numba/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}" numba==0.68.1 llvmlite==0.50.0
if "$venv/bin/python" -c 'import numba' 2>/dev/null; then
  echo "numba is installed in $venv, which is meant to be esda without numba" >&2
  exit 2
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "citygrid: $("$citygrid" --version) ($citygrid)"
for v in "$venv" "$venv_numba"; do
  "$v/bin/python" - <<'PY'
import importlib.metadata as md, platform
names = ["esda", "libpysal", "numpy", "scipy", "pandas", "pyarrow", "shapely", "joblib", "numba", "llvmlite"]
have = [f"{p} {md.version(p)}" for p in names if any(d.metadata["Name"].lower() == p for d in md.distributions())]
print(f"python {platform.python_version()}: {', '.join(have)}")
PY
done

declare -A result secs
order=()
# measure KEY REPEAT COMMAND...: runs COMMAND up to REPEAT times (stopping once the runs took 60 s),
# prints its output, the best wall time and the largest peak RSS. The summary table gets the wall
# time, or for the esda peer the library call's own best time (or estimate) that it printed.
measure() {
  local key=$1 repeat=$2 best="" rss=0 sum=0 runs=() e m call
  shift 2
  for ((k = 0; k < repeat; k++)); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out"
    sed 's/^/    /' "$work/out"
    read -r e m <"$work/time"
    runs+=("$e")
    best=$(awk -v a="$best" -v b="$e" 'BEGIN { print (a == "" || b < a) ? b : a }')
    ((m > rss)) && rss=$m
    sum=$(awk -v a="$sum" -v b="$e" 'BEGIN { print a + b }')
    awk -v s="$sum" 'BEGIN { exit !(s > 60) }' && break
  done
  result[$key]="$best s, $((rss / 1024)) MB"
  secs[$key]=$best
  if call=$(grep -o 'G_Local .*best [0-9.]* s' "$work/out"); then
    result[$key]="${call##*best } (call), $((rss / 1024)) MB"
  elif call=$(grep -o 'estimated [0-9]* s' "$work/out"); then
    result[$key]="~${call#estimated } (estimate, not run)"
  fi
  [[ " ${order[*]} " == *" ${key#*|} "* ]] || order+=("${key#*|}")
  printf '  %-44s best %6.2f s of %d (%s), peak %d MB; load average now %s\n' "${key#*|}" "$best" \
    "${#runs[@]}" "${runs[*]}" "$((rss / 1024))" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

for n in "${sizes[@]}"; do
  cols=$(awk -v n="$n" 'BEGIN { c = int(sqrt(n)); if (c * c < n) c++; print c }')
  rows=$(((n + cols - 1) / cols))
  lattice="$work/lattice_$n.parquet"
  echo
  "$venv/bin/python" "$here/make_lattice.py" "$rows" "$cols" "$lattice"
  cells=$((rows * cols))

  echo "citygrid ($(nproc) threads unless said):"
  hs=("$citygrid" --quiet hotspots --polygons "$lattice" --value value --weights queen)
  measure "$n|citygrid analytic (CLI)" 3 "${hs[@]}" --permutations 0 --out "$work/cg0.parquet"
  measure "$n|citygrid 999 perms (CLI)" 3 "${hs[@]}" --permutations 999 --seed 1 --out "$work/cg999.parquet"
  measure "$n|citygrid 999 perms, 1 thread (CLI)" 3 env RAYON_NUM_THREADS=1 "${hs[@]}" --permutations 999 --seed 1 --out "$work/cg999.parquet"
  result[$n|citygrid 999 perms minus analytic]="$(awk -v a="${secs[$n|citygrid 999 perms (CLI)]}" \
    -v b="${secs[$n|citygrid analytic (CLI)]}" 'BEGIN { printf "%.2f s", a - b }')"
  [[ " ${order[*]} " == *" citygrid 999 perms minus analytic "* ]] || order+=("citygrid 999 perms minus analytic")
  measure "$n|citygrid 999 perms directed (CLI)" 1 "${hs[@]}" --permutations 999 --seed 1 --pseudo-p directed --out "$work/cgd1.parquet"
  measure "$n|citygrid 999 perms directed seed 2 (CLI)" 1 "${hs[@]}" --permutations 999 --seed 2 --pseudo-p directed --out "$work/cgd2.parquet"

  echo "esda:"
  peer=("$here/hotspots_peer.py" "$lattice" "$rows" "$cols")
  measure "$n|esda analytic" 1 "$venv/bin/python" "${peer[@]}" "$work/es0.parquet" --repeat 3
  result[$n|esda lat2W queen weights]="$(grep -o 'weights [0-9.]* s' "$work/out" | cut -d' ' -f2-) (call)"
  [[ " ${order[*]} " == *" esda lat2W queen weights "* ]] || order+=("esda lat2W queen weights")
  rm -f "$work"/es999_*.parquet
  if ((cells <= perm_max_n)); then
    for jobs in 1 2; do
      measure "$n|esda 999 perms, n_jobs=$jobs" 1 \
        "$venv/bin/python" "${peer[@]}" "$work/es999_plain_$jobs.parquet" --permutations 999 --n-jobs "$jobs"
      measure "$n|esda+numba 999 perms, n_jobs=$jobs" 1 \
        "$venv_numba/bin/python" "${peer[@]}" "$work/es999_numba_$jobs.parquet" --permutations 999 --n-jobs "$jobs"
    done
  else
    echo "  $cells cells > PEER_PERMUTATIONS_MAX_N=$perm_max_n: esda's permutation runs estimated, not run"
    measure "$n|esda 999 perms, n_jobs=1" 1 \
      "$venv/bin/python" "${peer[@]}" /dev/null --permutations 999 --estimate "$estimate_cells"
    measure "$n|esda+numba 999 perms, n_jobs=1" 1 \
      "$venv_numba/bin/python" "${peer[@]}" /dev/null --permutations 999 --estimate "$estimate_cells"
  fi

  # The same z to rounding, or the timings mean nothing; p_sim only statistically (different
  # random streams), against the spread between two citygrid seeds.
  "$venv/bin/python" - "$work" <<'PY'
import glob, os, sys
import numpy as np
import pyarrow.parquet as pq
work = sys.argv[1]
def load(name):
    t = pq.read_table(os.path.join(work, name))
    return {c: t[c].to_numpy(zero_copy_only=False).astype(float) for c in t.column_names if c in ("id", "z", "p_sim")}
cg0, es0, cg999, d1, d2 = (load(f) for f in ("cg0.parquet", "es0.parquet", "cg999.parquet", "cgd1.parquet", "cgd2.parquet"))
assert np.array_equal(cg0["id"], es0["id"])
dz = np.abs(cg0["z"] - es0["z"]).max()
dz999 = np.abs(cg999["z"] - cg0["z"]).max()
print(f"agreement: max |z citygrid - Zs esda| = {dz:.3g} over {len(cg0['z'])} cells "
      f"(|z| up to {np.abs(cg0['z']).max():.1f}); "
      f"citygrid z with and without permutations differ by {dz999:.3g}")
assert dz < 1e-9
sig = lambda p: (p < 0.05).mean()
print(f"  citygrid directed p_sim: seed 1 vs seed 2 mean |diff| {np.abs(d1['p_sim'] - d2['p_sim']).mean():.4f}; "
      f"share < 0.05: {sig(d1['p_sim']):.4f}, {sig(d2['p_sim']):.4f}; two-sided share < 0.05: {sig(cg999['p_sim']):.4f}")
for f in sorted(glob.glob(os.path.join(work, "es999_*.parquet"))):
    e = load(os.path.basename(f))
    assert np.array_equal(e["id"], d1["id"])
    print(f"  {os.path.basename(f)[6:-8]:>9}: esda p_sim vs citygrid directed seed 1 mean |diff| "
          f"{np.abs(e['p_sim'] - d1['p_sim']).mean():.4f} (max {np.abs(e['p_sim'] - d1['p_sim']).max():.4f}); "
          f"esda share < 0.05: {sig(e['p_sim']):.4f}")
plain, numba = (os.path.join(work, f"es999_{k}_1.parquet") for k in ("plain", "numba"))
if os.path.exists(plain) and os.path.exists(numba):
    print(f"  esda p_sim with numba vs without (n_jobs=1): max |diff| {np.abs(load(os.path.basename(plain))['p_sim'] - load(os.path.basename(numba))['p_sim']).max():.3g}")
PY
done

echo
printf '| %-44s |' "wall time (best), peak RSS"
for n in "${sizes[@]}"; do printf ' N = %-22s |' "$n"; done
echo
printf '|%s|' "$(printf -- '-%.0s' {1..46})"
for n in "${sizes[@]}"; do printf -- '%s|' "$(printf -- '-%.0s' {1..28})"; done
echo
for key in "${order[@]}"; do
  printf '| %-44s |' "$key"
  for n in "${sizes[@]}"; do printf ' %-26s |' "${result[$n|$key]:-not run}"; done
  echo
done
