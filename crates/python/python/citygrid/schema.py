"""The column names every citygrid table shares, from the Rust schema module
(``grid_analytics::schema``): use these instead of spelling a column name."""

from citygrid._citygrid import (
    COMMUNITY_CODE,
    DISTRICT_CODE,
    GRID_CODE,
    GRID_DISTANCE_M,
    REJECT_DETAIL,
    REJECT_FIELD,
    REJECT_REASON,
    ROW_NUMBER,
    STREET_CODE,
)

__all__ = [
    "COMMUNITY_CODE",
    "DISTRICT_CODE",
    "GRID_CODE",
    "GRID_DISTANCE_M",
    "REJECT_DETAIL",
    "REJECT_FIELD",
    "REJECT_REASON",
    "ROW_NUMBER",
    "STREET_CODE",
]
