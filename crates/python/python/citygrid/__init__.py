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
| :func:`convert_points` | a table's point columns from one CRS to another (incl. GCJ-02, BD-09) |
| :func:`forecast`, :func:`forecast_cases` | forecasts per series of a long table or of case counts, as ``citygrid forecast`` |
| :func:`read_run` | a nightly run folder: its manifest and its tables |
| :mod:`citygrid.schema` | the shared column names (``GRID_CODE``, …) |
"""

from citygrid import schema
from citygrid._citygrid import CitygridError, InputError, InternalError, __version__
from citygrid.convert import ConvertResult, convert_points
from citygrid.forecasts import ForecastResult, forecast, forecast_cases
from citygrid.run import Run, read_run

__all__ = [
    "CitygridError",
    "ConvertResult",
    "ForecastResult",
    "InputError",
    "InternalError",
    "Run",
    "__version__",
    "convert_points",
    "forecast",
    "forecast_cases",
    "read_run",
    "schema",
]
