"""The column names come from the Rust schema module."""

from __future__ import annotations

import citygrid
from citygrid import schema


def test_column_names() -> None:
    assert schema.GRID_CODE == "grid_code"
    assert schema.COMMUNITY_CODE == "community_code"
    assert schema.STREET_CODE == "street_code"
    assert schema.DISTRICT_CODE == "district_code"
    assert schema.GRID_DISTANCE_M == "grid_distance_m"
    assert schema.ROW_NUMBER == "row_number"
    assert [schema.REJECT_FIELD, schema.REJECT_REASON, schema.REJECT_DETAIL] == [
        "reject_field",
        "reject_reason",
        "reject_detail",
    ]


def test_every_constant_is_exported() -> None:
    assert sorted(schema.__all__) == sorted(n for n in dir(schema) if n.isupper())


def test_version() -> None:
    assert citygrid.__version__.count(".") == 2
