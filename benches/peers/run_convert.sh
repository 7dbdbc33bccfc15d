#!/usr/bin/env bash
# Side by side: `citygrid convert` (release build) against the Python stack on the same CSV.
# Installs the peers (polars, pyproj, prcoords) in a venv of this script's own.
#
#   benches/peers/run_convert.sh [N]      # default N = 1000000
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
n=${1:-1000000}
venv="${VENV:-$here/.venv}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet "polars==1.*" "pyproj==3.*" "prcoords==1.0.2" numpy
(cd "$root" && cargo build --release --quiet -p grid-jobs --bin citygrid)
bin="${CARGO_TARGET_DIR:-$root/target}/release/citygrid"

"$venv/bin/python" "$here/make_points.py" "$n" "$work/points.csv"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "rows: $n"
for mode in wgs84_to_4549 gcj02_to_wgs84; do
  case $mode in
    wgs84_to_4549) from=wgs84; to=EPSG:4549 ;;
    gcj02_to_wgs84) from=gcj02; to=wgs84 ;;
  esac
  start=$(date +%s.%N)
  "$bin" --quiet convert --from "$from" --to "$to" "$work/points.csv" "$work/citygrid.csv"
  end=$(date +%s.%N)
  printf '%s: citygrid %.2f s\n' "$mode" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
  start=$(date +%s.%N)
  "$venv/bin/python" "$here/convert_peer.py" "$mode" "$work/points.csv" "$work/peer.csv"
  end=$(date +%s.%N)
  printf '%s: python command %.2f s (interpreter start and imports included)\n' "$mode" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
  # Both must give the same numbers for the timing to mean anything: to 1 mm for metres; to 1e-7
  # degrees (1 cm) for GCJ-02, because prcoords' default stopping threshold leaves millimetres.
  "$venv/bin/python" - "$work/citygrid.csv" "$work/peer.csv" "$mode" <<'PY'
import sys
import polars as pl
a, b, mode = pl.read_csv(sys.argv[1]), pl.read_csv(sys.argv[2]), sys.argv[3]
tol = 1e-3 if mode.endswith("4549") else 1e-7
d = max((a["lon"] - b["lon"]).abs().max(), (a["lat"] - b["lat"]).abs().max())
print(f"{mode}: max difference {d:.3g} (tolerance {tol})")
assert d <= tol
PY
done
