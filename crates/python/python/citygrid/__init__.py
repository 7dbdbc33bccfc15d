"""citygrid: grid analytics for city management, from Python.

A typed facade over the private native module ``citygrid._citygrid`` (Rust: grid-core and
grid-analytics). Tables go in and come out as polars DataFrames; anything that speaks the Arrow
PyCapsule stream protocol (a pyarrow Table, for one) is accepted as input. Every error citygrid
raises is a :class:`CitygridError`, carrying the Rust error's message.

>>> import polars as pl, citygrid
>>> reports = pl.DataFrame({"lon": [119.532316], "lat": [35.416089]})
>>> result = citygrid.convert_points(reports, from_crs="gcj02", to_crs="wgs84")
>>> result.table["lon"].round(4).to_list()
[119.5269]

| function | what |
|---|---|
| :class:`GeoTable`, :func:`read_layer` | layers: a DataFrame with WKB geometries and a CRS (``to_geopandas()``, ``__geo_interface__``) |
| :func:`load_grids`, :func:`generate_grids` | unit grids, indexed; :meth:`Grids.assign` puts points on them |
| :func:`load_components` | a component inventory; :meth:`Components.nearest`, :meth:`Components.within` |
| :func:`convert_points` | a table's point columns from one CRS to another (incl. GCJ-02, BD-09) |
| :func:`read_cases`, :func:`validate_cases` | case tables under canonical names; validated, rejects kept |
| :func:`simulate_cases` | a simulated case history and component inventory on any grids |
| :func:`measure_grids`, :func:`hotspots` | a measure of the cases per grid; Gi*, Gi, Local Moran |
| :func:`emerging_hotspots` | emerging hot spots over weeks or months |
| :func:`forecast`, :func:`forecast_cases` | forecasts per series of a long table or of case counts, as ``citygrid forecast`` |
| :func:`assess`, :func:`default_scoring` | assessment of a period: indicators, scores, grades, ranks, maps |
| :func:`read_run` | a nightly run folder: its manifest and its tables |
| :mod:`citygrid.schema` | the shared column names (``GRID_CODE``, …) |
"""

from citygrid import schema
from citygrid._citygrid import CitygridError, InputError, InternalError, __version__
from citygrid.assessment import Assessment, assess, default_scoring
from citygrid.cases import Simulation, ValidateResult, read_cases, simulate_cases, validate_cases
from citygrid.components import Components, MatchResult, load_components
from citygrid.convert import ConvertResult, convert_points
from citygrid.forecasts import ForecastResult, forecast, forecast_cases
from citygrid.geo import GeoTable, read_layer
from citygrid.grids import AssignResult, GenerateResult, Grids, generate_grids, load_grids
from citygrid.hotspot import (
    EmergingResult,
    HotspotResult,
    MeasureResult,
    emerging_hotspots,
    hotspots,
    measure_grids,
)
from citygrid.run import Run, read_run

__all__ = [
    "Assessment",
    "AssignResult",
    "CitygridError",
    "Components",
    "ConvertResult",
    "EmergingResult",
    "ForecastResult",
    "GenerateResult",
    "GeoTable",
    "Grids",
    "HotspotResult",
    "InputError",
    "InternalError",
    "MatchResult",
    "MeasureResult",
    "Run",
    "Simulation",
    "ValidateResult",
    "__version__",
    "assess",
    "convert_points",
    "default_scoring",
    "emerging_hotspots",
    "forecast",
    "forecast_cases",
    "generate_grids",
    "hotspots",
    "load_components",
    "load_grids",
    "measure_grids",
    "read_cases",
    "read_layer",
    "read_run",
    "schema",
    "simulate_cases",
    "validate_cases",
]
