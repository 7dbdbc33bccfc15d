"""GeoPandas' way to do what `citygrid assign` does, for side-by-side timing: read the grids
(GeoParquet) and the points (CSV, EPSG:4549 x/y), spatial join each point to the grid that
contains it, write Parquet.

Usage: assign_peer.py GRIDS.parquet POINTS.csv OUT.parquet
"""

import sys
import time

import geopandas as gpd
import pandas as pd

grids_path, points_path, out_path = sys.argv[1:4]
t0 = time.perf_counter()
grids = gpd.read_parquet(grids_path)[["code", "community_code", "street_code", "district_code", "geometry"]]
points = pd.read_csv(points_path, dtype={"id": "int64"})
pts = gpd.GeoDataFrame(points, geometry=gpd.points_from_xy(points["x"], points["y"]), crs=grids.crs)
t1 = time.perf_counter()
joined = gpd.sjoin(pts, grids, how="left", predicate="within").drop(columns=["index_right"])
t2 = time.perf_counter()
pd.DataFrame(joined.drop(columns="geometry")).to_parquet(out_path)
t3 = time.perf_counter()
print(f"geopandas: read {t1 - t0:.2f} s, sjoin {t2 - t1:.2f} s, write {t3 - t2:.2f} s, total {t3 - t0:.2f} s; {len(joined)} rows")
