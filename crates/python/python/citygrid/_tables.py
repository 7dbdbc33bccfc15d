"""Turning the tables users pass into polars DataFrames (the only table type the native module takes)."""

from __future__ import annotations

from typing import Any

import polars as pl


def as_polars(table: Any, argument: str) -> pl.DataFrame:
    """``table`` as a polars DataFrame: a DataFrame as is, anything with the Arrow PyCapsule
    stream protocol (``__arrow_c_stream__``: pyarrow Tables, DuckDB results…) through Arrow.

    Raises TypeError for anything else.
    """
    if isinstance(table, pl.DataFrame):
        return table
    if hasattr(table, "__arrow_c_stream__"):
        frame = pl.DataFrame(table)
        if isinstance(frame, pl.DataFrame):
            return frame
    raise TypeError(
        f"{argument}: expected a polars DataFrame or an Arrow table "
        f"(an object with __arrow_c_stream__), not {type(table).__name__}"
    )
