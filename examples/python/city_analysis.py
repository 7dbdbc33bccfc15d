# %% [markdown]
# # A city in an afternoon: grids, cases, hot spots, forecasts and scores with citygrid
#
# This notebook walks a new analyst through citygrid's Python package on the bundled sample
# city, the central city of Rizhao (日照市中心城区). It runs top to bottom from the repository's
# root on a fresh machine (`pip install ./crates/python`, plus geopandas and matplotlib for the
# maps): every table comes in and goes out as a polars DataFrame, and map layers convert to
# GeoPandas in one line.
#
# The same code is `examples/python/city_analysis.py`; CI executes the notebook.

# %%
import time

import matplotlib.pyplot as plt
import polars as pl

import citygrid

started = time.perf_counter()
print(citygrid.__version__)

# %% [markdown]
# ## 1. Unit grids
#
# Management unit grids (单元网格, about 100 m × 100 m) are generated from the city's boundary
# and its communities, coded by GB/T 30428.1 (15 digits: community + sequence). They live in a
# projected working CRS, CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549).

# %%
grids, report = citygrid.generate_grids(
    "data/rizhao/central_city.geojson",
    communities="data/rizhao/communities.geojson",
)
print(grids)
report.sort("grids", descending=True).head()

# %% [markdown]
# ## 2. A case history
#
# A real city loads its case export with `citygrid.read_cases(path, columns={...})`. Here we
# simulate one on the grids: 100,000 cases over three years, with planted hot spots, seasons,
# holidays and about 0.4 % defective rows, the same for the same seed.

# %%
simulation = citygrid.simulate_cases(grids, cases=100_000, seed=1)
simulation.cases.head()

# %% [markdown]
# Validation checks every row (ids, sources, classes, times and their order, coordinates, the
# grids) and never drops one silently: failures are kept with their reason.

# %%
validated = citygrid.validate_cases(simulation.cases, now="2026-01-01 00:00", grids=grids)
cases = validated.cases
print(f"{cases.height:,} valid cases; rejected by reason: {validated.rejected_by_reason}")
validated.rejected.select("row_number", "reject_field", "reject_reason", "reject_detail").head()

# %% [markdown]
# ## 3. Assigning new reports, and the nearest components
#
# Citizens' photo reports (随手拍) arrive in GCJ-02, the coordinates of Chinese map apps.
# Convert them, put them on the grids, and find the nearest manhole cover (class 0103) to each.

# %%
reports = simulation.cases.filter(pl.col("source") == "citizen_app").head(5)
wgs84 = citygrid.convert_points(reports, from_crs="gcj02", to_crs="wgs84")
assigned = grids.assign(wgs84.table)
assigned.table.select("case_id", "lon", "lat", "grid_code", "street_code")

# %%
nearest = simulation.components.nearest(wgs84.table, k=1, class_code="0103")
nearest.matches

# %% [markdown]
# ## 4. A hot spot map
#
# Cases of the last quarter per grid, then Getis-Ord Gi* with queen contiguity, 999
# permutations and false-discovery-rate control: bins ±3/±2/±1 are hot/cold spots at 99/95/90 %
# confidence, as in ArcGIS's Hot Spot Analysis.

# %%
measured = citygrid.measure_grids(grids, cases, "count", from_day="2025-10-01")
hot = citygrid.hotspots(measured.layer, "count", permutations=999, fdr=True)
hot.layer.df.group_by("bin").len().sort("bin")

# %%
gdf = hot.layer.to_geopandas()
ax = gdf.plot(column="bin", cmap="RdBu_r", vmin=-3, vmax=3, figsize=(8, 8), legend=True)
ax.set_title("Hot spots of cases, 2025 Q4 (Gi* bin)")
ax.set_axis_off()

# %% [markdown]
# ## 5. Emerging hot spots
#
# Monthly cubes over the three years: where are hot spots new, intensifying, persistent…?

# %%
emerging = citygrid.emerging_hotspots(cases, grids, step="month")
emerging.layer.df.group_by("category").len().sort("len", descending=True)

# %% [markdown]
# ## 6. Forecasts
#
# Weekly case counts per street, four weeks ahead. With `models="auto"` each candidate
# (Naive, SeasonalNaive, HistoricAverage, SESOpt, the Croston family, …) is scored by
# rolling-origin cross-validation; `choose="pooled"` keeps the one best over all streets, and
# `metrics=True` reports every candidate's errors and interval coverage. Only whole weeks
# count: the window ends on the Monday 2025-12-29.

# %%
weekly = citygrid.forecast_cases(
    cases,
    unit="street",
    freq="week",
    horizon=4,
    to_day="2025-12-29",
    score="rmsse",
    choose="pooled",
    metrics=True,
)
assert weekly.metrics is not None
weekly.metrics.filter(pl.col("scope") == "overall").select(
    "model", "mae", "rmse", "rmsse", "coverage_80", "coverage_95"
).sort("rmsse")

# %% [markdown]
# The busiest street: its last year of weekly cases and the forecast with its 80 % interval.

# %%
counts = (
    cases.filter(pl.col("reported_at") < pl.datetime(2025, 12, 29))
    .with_columns(week=pl.col("reported_at").dt.truncate("1w").dt.date())
    .group_by("street_code", "week")
    .len()
)
busiest = counts.group_by("street_code").agg(pl.col("len").sum()).sort("len").row(-1)[0]
history = counts.filter(pl.col("street_code") == busiest).sort("week").tail(52)
ahead = weekly.forecasts.filter(pl.col("unique_id") == busiest).with_columns(
    pl.col("ds").str.to_date()
)
fig, ax = plt.subplots(figsize=(9, 3.5))
ax.plot(history["week"], history["len"], label="cases per week")
ax.plot(ahead["ds"], ahead["mean"], marker="o", label=f"forecast ({ahead['model'][0]})")
ax.fill_between(ahead["ds"], ahead["lo_80"], ahead["hi_80"], alpha=0.3, label="80 % interval")
ax.set_title(f"Street {busiest}")
ax.legend()

# %% [markdown]
# ## 7. Assessment scores
#
# The platform's indicators for the last quarter (closure, on-time disposal, rework, …) per
# district, street, community and grid, scored, blended into a composite, graded and ranked
# against the quarter before (`citygrid.default_scoring()` prints the scoring config to start
# a city's own from).

# %%
scores = citygrid.assess(cases, period="2025-Q4", grids=grids)
scores.scores["street"].select(
    "scope", "platform", "composite", "grade", "rank", "change", "drivers"
).sort("rank").head(10)

# %%
streets = scores.maps["street"].to_geopandas()
ax = streets.plot(column="composite", cmap="RdYlGn", legend=True, figsize=(8, 8), edgecolor="white")
ax.set_title(f"Street scores, {scores.period} (composite, 0–100)")
ax.set_axis_off()

# %%
print(f"The notebook ran in {time.perf_counter() - started:.0f} s")
