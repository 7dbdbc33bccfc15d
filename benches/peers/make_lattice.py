"""Writes a ROWS x COLS lattice of 100 m squares in EPSG:4549 near Rizhao (origin x=450000,
y=3910000) as GeoParquet 1.1 (WKB `geometry`, PROJJSON CRS), with columns `id` and `value`.

Cells are row-major with row 0 first and at the bottom: row i of the file is the square at
column i % COLS, lattice row i // COLS. That is libpysal's `lat2W(ROWS, COLS)` order, so queen
weights from `lat2W(ROWS, COLS, rook=False)` are the queen contiguity of these polygons.

`value` is a deterministic count (numpy, seed 20261126): Poisson with mean 2 everywhere, mean 10
in five planted hot blocks and mean 0.2 in one cold block, each block a square of about 3 % of
the lattice's side.

Usage: make_lattice.py ROWS COLS OUT.parquet
"""

import json
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from pyproj import CRS

rows, cols, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
X0, Y0, SIDE = 450000.0, 3910000.0, 100.0
n = rows * cols

rng = np.random.default_rng(20261126)
mean = np.full((rows, cols), 2.0)
b = max(3, round(0.03 * min(rows, cols)))
for block_mean in (10.0, 10.0, 10.0, 10.0, 10.0, 0.2):
    r, c = rng.integers(0, rows - b), rng.integers(0, cols - b)
    mean[r : r + b, c : c + b] = block_mean
value = rng.poisson(mean).astype(np.int64).ravel()  # row-major: index r * cols + c

i = np.arange(n, dtype=np.int64)
x = X0 + (i % cols) * SIDE
y = Y0 + (i // cols) * SIDE
geometry = shapely.to_wkb(shapely.box(x, y, x + SIDE, y + SIDE), output_dimension=2)

geo = {
    "version": "1.1.0",
    "primary_column": "geometry",
    "columns": {
        "geometry": {
            "encoding": "WKB",
            "geometry_types": ["Polygon"],
            "crs": CRS.from_epsg(4549).to_json_dict(),
            "bbox": [X0, Y0, X0 + cols * SIDE, Y0 + rows * SIDE],
        }
    },
}
table = pa.table({"id": i, "value": value, "geometry": pa.array(geometry, pa.binary())})
table = table.replace_schema_metadata({"geo": json.dumps(geo)})
pq.write_table(table, out)
print(f"lattice: {rows} x {cols} = {n} cells, value mean {value.mean():.3f}, max {value.max()} -> {out}")
