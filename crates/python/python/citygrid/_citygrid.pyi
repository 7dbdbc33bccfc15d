# Stubs of the private native module (crates/python/src). tests/test_stubs.py checks that the
# names and parameters here match the built module.
from typing import Final

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

def assess(
    cases: pl.DataFrame,
    period: str,
    scoring: str | None,
    scoring_name: str,
    inspection: pl.DataFrame | None,
    grids: tuple[pl.DataFrame, str, str] | None,
    working_crs: str,
) -> tuple[
    str,
    str,
    pl.DataFrame,
    list[tuple[str, pl.DataFrame]],
    list[tuple[str, tuple[pl.DataFrame, str]]],
    pl.DataFrame | None,
    list[str],
]: ...
def default_scoring() -> str: ...
