#!/usr/bin/env bash
# Regenerates proj_vectors.csv: reference coordinate transformations computed by PROJ's own
# `cs2cs` (Debian package proj-bin), for the differential tests in tests/it/crs.rs.
#
#   sudo apt-get install -y proj-bin     # provides cs2cs and projinfo
#   crates/grid-core/tests/golden/make_proj_vectors.sh
#
# cs2cs follows each CRS's authority axis order (EPSG:4326 and EPSG:4490 are latitude first,
# EPSG:4549 northing first); this script asks projinfo which axis comes first and writes every
# coordinate in the normalised order (x = east/longitude, y = north/latitude) that citygrid uses.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/proj_vectors.csv"
command -v cs2cs >/dev/null || { echo "cs2cs not found: apt-get install proj-bin" >&2; exit 1; }

# Prints "yes" when the CRS's first axis points north.
north_first() {
  projinfo -q -o WKT2:2019 "$1" | grep -m1 -o 'AXIS\[[^]]*' | grep -qiE ',(north|south)' \
    && echo yes || echo no
}

# Decimal places of each CRS's coordinates: degrees to 1e-10, metres to 1e-5.
decimals() {
  if projinfo -q -o WKT2:2019 "$1" | grep -q '^GEOGCRS'; then echo 10; else echo 5; fi
}

# transform FROM TO: reads "x y" lines (normalised order) on stdin, prints "x y x' y'".
transform() {
  local from=$1 to=$2 in_swap out_swap fmt
  in_swap=$(north_first "$from"); out_swap=$(north_first "$to")
  fmt="%.$(decimals "$to")f"
  while read -r x y; do
    if [ "$in_swap" = yes ]; then a=$y; b=$x; else a=$x; b=$y; fi
    read -r p q _ < <(echo "$a $b" | cs2cs -f "$fmt" "$from" "$to")
    if [ "$out_swap" = yes ]; then u=$q; v=$p; else u=$p; v=$q; fi
    echo "$x $y $u $v"
  done
}

# Geographic test points (lon lat): the sample city (Rizhao), the rest of zone CM 120°E, and
# places elsewhere in China and the world.
rizhao_zone=$(cat <<'PTS'
119.526888 35.416377
119.461200 35.427900
119.250000 35.590000
118.830000 35.580000
119.380000 35.100000
120.000000 36.000000
120.380000 36.070000
118.780000 32.040000
121.470000 31.230000
118.600000 24.900000
PTS
)
china=$(cat <<'PTS'
116.397428 39.909230
113.264385 23.129112
104.066541 30.572269
87.617733 43.792818
126.642464 45.756967
PTS
)
world=$(cat <<'PTS'
-0.127758 51.507351
-74.006000 40.712800
151.209300 -33.868800
0.000000 0.000000
-179.500000 -60.000000
PTS
)

{
  echo "from,to,x,y,expected_x,expected_y"
  emit() { while read -r x y u v; do echo "$1,$2,$x,$y,$u,$v"; done; }
  echo "$rizhao_zone" | transform EPSG:4326 EPSG:4549 | emit EPSG:4326 EPSG:4549
  echo "$rizhao_zone" | transform EPSG:4490 EPSG:4549 | emit EPSG:4490 EPSG:4549
  echo "$rizhao_zone" | transform EPSG:4326 EPSG:32650 | emit EPSG:4326 EPSG:32650
  printf '%s\n%s\n' "$rizhao_zone" "$china" | transform EPSG:4326 EPSG:4490 | emit EPSG:4326 EPSG:4490
  printf '%s\n%s\n%s\n' "$rizhao_zone" "$china" "$world" | transform EPSG:4326 EPSG:3857 \
    | emit EPSG:4326 EPSG:3857
  # Inverse directions start from projected coordinates that cs2cs itself produced.
  gk=$(echo "$rizhao_zone" | transform EPSG:4490 EPSG:4549 | awk '{print $3, $4}')
  echo "$gk" | transform EPSG:4549 EPSG:4490 | emit EPSG:4549 EPSG:4490
  echo "$gk" | transform EPSG:4549 EPSG:4326 | emit EPSG:4549 EPSG:4326
  echo "$gk" | transform EPSG:4549 EPSG:32650 | emit EPSG:4549 EPSG:32650
  utm=$(echo "$rizhao_zone" | transform EPSG:4326 EPSG:32650 | awk '{print $3, $4}')
  echo "$utm" | transform EPSG:32650 EPSG:4326 | emit EPSG:32650 EPSG:4326
} > "$out.tmp"
# Every row must be complete and numeric: a malformed row is a bug in this script.
if awk -F, 'NR > 1 && (NF != 6 || $3 $4 $5 $6 !~ /^[-0-9.]+$/)' "$out.tmp" | grep -q .; then
  echo "malformed rows in $out.tmp" >&2; exit 1
fi
mv "$out.tmp" "$out"
echo "wrote $(($(wc -l < "$out") - 1)) vectors to $out (PROJ $(cs2cs 2>&1 | head -1))"
