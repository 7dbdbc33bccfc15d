# Stubs of the private native module (crates/python/src). tests/test_stubs.py checks that the
# names and parameters here match the built module.
from typing import Any, Final

import polars as pl

__version__: Final[str]

class CitygridError(Exception): ...
class InputError(CitygridError): ...
class InternalError(CitygridError): ...

GRID_CODE: Final[str]
COMMUNITY_CODE: Final[str]
STREET_CODE: Final[str]
DISTRICT_CODE: Final[str]
GRID_DISTANCE_M: Final[str]
ROW_NUMBER: Final[str]
REJECT_FIELD: Final[str]
REJECT_REASON: Final[str]
REJECT_DETAIL: Final[str]

def convert_points(
    df: pl.DataFrame,
    from_crs: str,
    to_crs: str,
    x_col: str,
    y_col: str,
    table: str,
) -> tuple[pl.DataFrame, pl.DataFrame]: ...

# The tables of a forecast run: forecasts, metrics, places, rejected rows, warnings, notes.
_ForecastTables = tuple[
    pl.DataFrame, pl.DataFrame | None, pl.DataFrame | None, pl.DataFrame, list[str], list[str]
]

def forecast(
    df: pl.DataFrame,
    id_col: str,
    time_col: str,
    value_col: str,
    settings: dict[str, Any],
) -> _ForecastTables: ...
def forecast_cases(
    df: pl.DataFrame,
    unit: str,
    group: str,
    filter: dict[str, Any],
    settings: dict[str, Any],
) -> _ForecastTables: ...
