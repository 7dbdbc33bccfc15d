"""Regenerates gcj02_vectors.csv: GCJ-02 and BD-09 reference values from an independent
implementation, the PyPI package `prcoords` (Mingye Wang, CC0 / GPL-3.0+), for the differential
tests in tests/it/crs.rs. Only its outputs are committed, none of its code.

Run through make_gcj02_vectors.sh, which installs prcoords in a venv of its own.

Columns: kind, lon, lat, expected_lon, expected_lat, where kind is one of
  wgs84_to_gcj02, gcj02_to_wgs84, gcj02_to_bd09, bd09_to_gcj02, wgs84_to_bd09, bd09_to_wgs84.
The inverses use prcoords' iterative ("bored") functions with their stopping threshold tightened
from 1e-5 to 1e-12 degrees, so the reference is exact to far below a millimetre.
"""

import csv
import random
import sys
import warnings
from pathlib import Path

import prcoords

prcoords.PRC_EPS = 1e-12
warnings.simplefilter("ignore")  # prcoords warns on every point outside China

rng = random.Random(20261126)

# (lon, lat) points: Rizhao landmarks, a seeded random sample over the inside-China rectangle,
# points just inside and outside its edges, and points abroad.
points = [
    (119.526888, 35.416377),  # Rizhao city centre
    (119.461200, 35.427900),
    (119.250000, 35.590000),
    (118.830000, 35.580000),
    (119.380000, 35.100000),
    (116.397428, 39.909230),  # Beijing
    (121.473701, 31.230416),  # Shanghai
    (87.617733, 43.792818),  # Urumqi
    (72.0041, 30.0),  # just inside the west edge
    (72.0039, 30.0),  # just outside
    (137.8346, 45.0),
    (137.8348, 45.0),
    (110.0, 0.8294),
    (110.0, 0.8292),
    (110.0, 55.8270),
    (110.0, 55.8272),
    (2.352222, 48.856613),  # Paris
    (-74.006, 40.7128),  # New York
    (151.2093, -33.8688),  # Sydney
]
points += [(rng.uniform(73.0, 135.0), rng.uniform(3.0, 54.0)) for _ in range(60)]
points += [(rng.uniform(118.8, 119.7), rng.uniform(35.0, 35.9)) for _ in range(20)]


def lonlat(c):
    return c.lon, c.lat


rows = []
for lon, lat in points:
    ll = prcoords.Coords(lat, lon)
    rows.append(("wgs84_to_gcj02", lon, lat, *lonlat(prcoords.wgs_gcj(ll))))
    rows.append(("wgs84_to_bd09", lon, lat, *lonlat(prcoords.wgs_bd(ll))))
    rows.append(("gcj02_to_bd09", lon, lat, *lonlat(prcoords.gcj_bd(ll))))
    # The inverses take each point as if it were already a GCJ-02 / BD-09 coordinate.
    rows.append(("gcj02_to_wgs84", lon, lat, *lonlat(prcoords.gcj_wgs_bored(ll))))
    rows.append(("bd09_to_gcj02", lon, lat, *lonlat(prcoords.bd_gcj_bored(ll))))
    rows.append(("bd09_to_wgs84", lon, lat, *lonlat(prcoords.bd_wgs_bored(ll))))

out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("gcj02_vectors.csv"))
with out.open("w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["kind", "lon", "lat", "expected_lon", "expected_lat"])
    for kind, lon, lat, elon, elat in rows:
        w.writerow([kind, repr(lon), repr(lat), repr(elon), repr(elat)])
print(f"wrote {len(rows)} vectors to {out} (prcoords {prcoords.__name__})")
