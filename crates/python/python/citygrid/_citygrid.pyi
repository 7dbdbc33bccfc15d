# Stubs of the private native module (crates/python/src). tests/test_stubs.py checks that the
# names and parameters here match the built module.
import os
from collections.abc import Mapping
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

# Layers: a table with a WKB geometry column, its CRS name, the geometry column's name.
def read_layer(path: str | os.PathLike[str]) -> tuple[pl.DataFrame, str]: ...
def write_layer(
    df: pl.DataFrame,
    crs: str,
    geometry_col: str,
    path: str | os.PathLike[str],
    to_crs: str | None = None,
) -> None: ...
def layer_geojson(
    df: pl.DataFrame, crs: str, geometry_col: str, to_crs: str | None = None
) -> str: ...

class Grids:
    @staticmethod
    def load(path: str | os.PathLike[str], working_crs: str) -> Grids: ...
    @staticmethod
    def generate(
        boundary: str | os.PathLike[str],
        communities: str | os.PathLike[str] | None,
        division_code: str | None,
        cell_size_m: float,
        sliver_share: float,
        crs: str,
    ) -> tuple[Grids, pl.DataFrame]: ...
    @property
    def crs(self) -> str: ...
    def __len__(self) -> int: ...
    def layer(self, crs: str | None = None) -> tuple[pl.DataFrame, str]: ...
    def assign(
        self,
        df: pl.DataFrame,
        x_col: str,
        y_col: str,
        crs: str,
        tolerance_m: float | None,
        table: str,
    ) -> tuple[pl.DataFrame, pl.DataFrame, list[int]]: ...
    def write(self, path: str | os.PathLike[str], crs: str | None = None) -> None: ...

class Components:
    @staticmethod
    def load(
        path: str | os.PathLike[str],
        working_crs: str,
        codes: str | os.PathLike[str] | None,
    ) -> tuple[Components, pl.DataFrame]: ...
    @property
    def crs(self) -> str: ...
    def __len__(self) -> int: ...
    def layer(self, crs: str | None = None) -> tuple[pl.DataFrame, str]: ...
    def nearest(
        self,
        df: pl.DataFrame,
        x_col: str,
        y_col: str,
        crs: str,
        k: int,
        class_code: str | None,
        table: str,
    ) -> tuple[pl.DataFrame, pl.DataFrame]: ...
    def within(
        self,
        df: pl.DataFrame,
        x_col: str,
        y_col: str,
        crs: str,
        radius_m: float,
        class_code: str | None,
        table: str,
    ) -> tuple[pl.DataFrame, pl.DataFrame]: ...
    def counts_per_grid(self, grids: Grids) -> pl.DataFrame: ...

def read_cases(path: str | os.PathLike[str], columns: Mapping[str, str]) -> pl.DataFrame: ...
def validate_cases(
    df: pl.DataFrame,
    table: str,
    data: str | os.PathLike[str],
    now: str,
    cutoff: str | None,
    grids: Grids | None,
    crs: str,
    working_crs: str,
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int], int]: ...

# Hot spots. `layer` is (table, CRS, geometry column); `settings` and `filter` are dicts whose
# keys are the facade's keywords (citygrid/hotspot.py).
def hotspots(
    layer: tuple[pl.DataFrame, str, str],
    value: str,
    settings: Mapping[str, object],
    working_crs: str,
    name: str,
) -> tuple[pl.DataFrame, str, pl.DataFrame, list[str]]: ...
def measure_grids(
    layer: tuple[pl.DataFrame, str, str],
    cases: pl.DataFrame,
    measure: str,
    filter: Mapping[str, object],
    name: str,
) -> tuple[pl.DataFrame, str, list[str]]: ...
def emerging(
    cases: pl.DataFrame,
    layer: tuple[pl.DataFrame, str, str],
    settings: Mapping[str, object],
    filter: Mapping[str, object],
    working_crs: str,
    name: str,
) -> tuple[pl.DataFrame, str, pl.DataFrame, list[str], int, list[str]]: ...
def simulate(
    grids: Grids,
    data: str | os.PathLike[str],
    seed: int,
    start: str,
    years: int,
    cases: int,
    defect_rate: float,
) -> tuple[pl.DataFrame, Components]: ...

# The tables of a forecast run: forecasts, metrics, places, rejected rows, warnings, notes.
_ForecastTables = tuple[
    pl.DataFrame, pl.DataFrame | None, pl.DataFrame | None, pl.DataFrame, list[str], list[str]
]

def forecast(
    df: pl.DataFrame,
    id_col: str,
    time_col: str,
    value_col: str,
    settings: Mapping[str, object],
    grid: tuple[pl.DataFrame, str, str] | None,
) -> _ForecastTables: ...
def forecast_cases(
    df: pl.DataFrame,
    unit: str,
    group: str,
    filter: Mapping[str, object],
    settings: Mapping[str, object],
    grid: tuple[pl.DataFrame, str, str] | None,
) -> _ForecastTables: ...

# Assessment of a period (grid_analytics::assess).
def assess(
    cases: pl.DataFrame,
    period: str,
    scoring: tuple[str, str] | None,
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
