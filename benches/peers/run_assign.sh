#!/usr/bin/env bash
# Side by side: `citygrid assign` (release build) against GeoPandas' sjoin, assigning the same
# points to the sample city's central-city unit grids. Installs the peers (geopandas, pyarrow,
# polars) in a venv of this script's own.
#
#   benches/peers/run_assign.sh [N]      # default N = 1000000
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
n=${1:-1000000}
venv="${VENV:-$here/.venv}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet "geopandas==1.*" "pyarrow" "polars==1.*"
(cd "$root" && cargo build --release --quiet -p grid-jobs --bin citygrid)
bin="${CARGO_TARGET_DIR:-$root/target}/release/citygrid"
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

"$bin" --quiet grid build --boundary "$root/data/rizhao/central_city.geojson" \
  --communities "$root/data/rizhao/communities.geojson" --out "$work/grids.parquet"
# Points uniformly over the grids' bounding box, in EPSG:4549 metres.
"$venv/bin/python" - "$work/grids.parquet" "$n" "$work/points.csv" <<'PY'
import random, sys
import geopandas as gpd
minx, miny, maxx, maxy = gpd.read_parquet(sys.argv[1]).total_bounds
rng = random.Random(7)
with open(sys.argv[3], "w") as f:
    f.write("id,x,y\n")
    for i in range(int(sys.argv[2])):
        f.write(f"{i},{minx + rng.random() * (maxx - minx):.3f},{miny + rng.random() * (maxy - miny):.3f}\n")
PY
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "grids: $("$venv/bin/python" -c "import geopandas as g, sys; print(len(g.read_parquet(sys.argv[1])))" "$work/grids.parquet"), points: $n"
start=$(date +%s.%N)
"$bin" --quiet assign --grid "$work/grids.parquet" --points "$work/points.csv" --crs EPSG:4549 \
  --lon-col x --lat-col y --out "$work/citygrid.parquet"
end=$(date +%s.%N)
echo "citygrid assign: $(seconds "$start" "$end") s (whole command)"
start=$(date +%s.%N)
"$venv/bin/python" "$here/assign_peer.py" "$work/grids.parquet" "$work/points.csv" "$work/peer.parquet"
end=$(date +%s.%N)
echo "python command: $(seconds "$start" "$end") s (interpreter start and imports included)"
# The answers must agree (up to points exactly on a shared edge, which sjoin's "within" leaves
# unmatched and citygrid gives to the smaller code) for the timing to mean anything.
"$venv/bin/python" - "$work/citygrid.parquet" "$work/peer.parquet" <<'PY'
import sys
import polars as pl
a = pl.read_parquet(sys.argv[1]).select(pl.col("id").cast(pl.Int64), pl.col("grid_code").alias("a"))
b = pl.read_parquet(sys.argv[2]).select("id", pl.col("code").alias("b"))
j = a.join(b, on="id", how="full", coalesce=True)
same = j.filter((pl.col("a") == pl.col("b")) | (pl.col("a").is_null() & pl.col("b").is_null())).height
print(f"agreement: {same} of {j.height} points ({100 * same / j.height:.4f} %), "
      f"{a['a'].is_not_null().sum()} inside a grid")
assert same / j.height > 0.9999
PY
