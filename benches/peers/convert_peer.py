"""The Python way to do what `citygrid convert` does, for side-by-side timing.

  wgs84 -> EPSG:4549 : polars CSV in/out + pyproj (PROJ, vectorised over numpy arrays)
  gcj02 -> wgs84     : polars CSV in/out + prcoords' iterative inverse, point by point

Usage: convert_peer.py {wgs84_to_4549|gcj02_to_wgs84} IN.csv OUT.csv
"""

import sys
import time

import numpy as np
import polars as pl

mode, src, dst = sys.argv[1:4]
t0 = time.perf_counter()
df = pl.read_csv(src, infer_schema_length=0)  # all text, as citygrid reads CSV
lon = df["lon"].cast(pl.Float64, strict=False).to_numpy()
lat = df["lat"].cast(pl.Float64, strict=False).to_numpy()
if mode == "wgs84_to_4549":
    from pyproj import Transformer

    t = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True)
    x, y = t.transform(lon, lat)
elif mode == "gcj02_to_wgs84":
    import prcoords

    x = np.empty_like(lon)
    y = np.empty_like(lat)
    for i, (a, b) in enumerate(zip(lon, lat)):
        c = prcoords.gcj_wgs_bored(prcoords.Coords(b, a))
        x[i], y[i] = c.lon, c.lat
else:
    raise SystemExit(f"unknown mode {mode}")
df.with_columns(lon=pl.Series(x), lat=pl.Series(y)).write_csv(dst)
print(f"{mode}: python work {time.perf_counter() - t0:.2f} s for {len(df)} rows (read, convert, write)")
