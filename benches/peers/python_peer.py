"""The analyst's view: the same steps in one Python process, citygrid's package against the
Python stack, on the sample city (35,030 grids of Rizhao's central city) and a simulated history.

- assign: N points (GCJ-02 photo reports converted to WGS84) to grids: `Grids.assign` against
  GeoPandas `sjoin(predicate="within")` on the grids' GeoDataFrame (points built from x/y);
- hot spots: Gi* of cases per grid, queen contiguity, 999 permutations: `citygrid.hotspots` on
  the GeoTable against libpysal `Queen.from_dataframe` + esda `G_Local(star=True)`;
- layers: a GeoTable to GeoPandas (`to_geopandas()`).

Times are wall seconds by time.perf_counter around the calls alone (imports and the shared
set-up excluded), best of REPEATS. Run from the repository's root:

    python benches/peers/python_peer.py [CASES] [REPEATS]
"""

from __future__ import annotations

import os
import sys
import time

import esda
import geopandas as gpd
import libpysal
import numpy as np
import polars as pl

import citygrid

cases_n = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3


def best(label: str, run) -> object:  # type: ignore[no-untyped-def]
    times = []
    result = None
    for _ in range(repeats):
        t = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t)
    print(f"{label}: {min(times):.3f} s (best of {repeats})", flush=True)
    return result


print(f"machine: {os.cpu_count()} cores; citygrid {citygrid.__version__}, esda {esda.__version__}, "
      f"libpysal {libpysal.__version__}, geopandas {gpd.__version__}, polars {pl.__version__}")
t = time.perf_counter()
grids, _ = citygrid.generate_grids(
    "data/rizhao/central_city.geojson", communities="data/rizhao/communities.geojson"
)
print(f"set-up: {len(grids)} grids generated in {time.perf_counter() - t:.1f} s")
t = time.perf_counter()
simulation = citygrid.simulate_cases(grids, cases=cases_n)
validated = citygrid.validate_cases(simulation.cases, now="2026-01-01 00:00", grids=grids)
print(f"set-up: {cases_n} cases simulated and validated in {time.perf_counter() - t:.1f} s")

# Assign: every valid case's WGS84 point (converted from its channel's CRS by validation).
points = citygrid.convert_points(
    validated.cases.select("case_id", "x_m", "y_m"), from_crs="EPSG:4549", to_crs="wgs84",
    x_col="x_m", y_col="y_m",
).table.rename({"x_m": "lon", "y_m": "lat"})
layer = grids.layer()
gdf_grids = layer.to_geopandas()
ours = best("assign, citygrid Grids.assign", lambda: grids.assign(points))
pdf = points.to_pandas()


def sjoin():  # type: ignore[no-untyped-def]
    pts = gpd.GeoDataFrame(
        pdf, geometry=gpd.points_from_xy(pdf["lon"], pdf["lat"]), crs="EPSG:4326"
    ).to_crs("EPSG:4549")
    return gpd.sjoin(pts, gdf_grids[["code", "geometry"]], how="left", predicate="within")


theirs = best("assign, GeoPandas to_crs + sjoin", sjoin)
agree = (ours.table["grid_code"].to_list() == list(theirs["code"]))  # type: ignore[union-attr,index]
print(f"assign: the same grid for every point: {agree}")

# Hot spots of the last quarter's counts.
measured = citygrid.measure_grids(grids, validated.cases, "count", from_day="2025-10-01").layer
ours_hot = best(
    "Gi* 999 permutations, citygrid.hotspots (weights included)",
    # Exact shared coordinates, libpysal's contiguity rule.
    lambda: citygrid.hotspots(
        measured, "count", permutations=999, pseudo_p="directed", tolerance_m=0.0
    ),
)
gdf = measured.to_geopandas()
w = best("queen weights, libpysal Queen.from_dataframe", lambda: libpysal.weights.Queen.from_dataframe(gdf, use_index=False))
y = gdf["count"].to_numpy(dtype=float)
theirs_hot = best(
    "Gi* 999 permutations, esda G_Local(star=True)",
    lambda: esda.G_Local(y, w, transform="B", star=True, permutations=999, seed=0),
)
ours_df = ours_hot.layer.df  # type: ignore[union-attr]
same_neighbours = ours_df["neighbours"].to_numpy() == np.array(
    [w.cardinalities[i] for i in range(w.n)]
)
z_ours = ours_df["z"].to_numpy()
z_theirs = np.asarray(theirs_hot.Zs)  # type: ignore[union-attr]
islands = np.array([w.cardinalities[i] == 0 for i in range(w.n)])
print(
    f"Gi*: neighbour counts equal for {same_neighbours.sum()} of {w.n} grids; "
    f"{islands.sum()} grids without neighbours; largest |z difference| elsewhere "
    f"{np.max(np.abs(z_ours - z_theirs)[~islands]):.2e}"
)

best("layer to GeoPandas, GeoTable.to_geopandas()", measured.to_geopandas)
