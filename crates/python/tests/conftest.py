"""Shared fixtures: paths into the repository's committed data, and a small simulated city (a
2.2 × 2 km street of Rizhao, about 400 grids and 6,000 cases) built once per session through the
package itself."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

import citygrid

REPO = Path(__file__).resolve().parents[3]

STREET_CODE = "371102001"
"""The street the small city is coded as (a 9-digit street code of Donggang district)."""
STREET = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"code": STREET_CODE},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[119.50, 35.40], [119.522, 35.40], [119.522, 35.418], [119.50, 35.418], [119.50, 35.40]]
                ],
            },
        }
    ],
}
NOW = "2026-01-01 00:00"
"""The validation clock of the small city (its history runs 2023-01-01 to 2025-12-31)."""


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO


@dataclass(frozen=True)
class City:
    """The small simulated city."""

    folder: Path
    boundary: Path
    grids: citygrid.Grids
    report: object
    simulation: citygrid.Simulation
    validated: citygrid.ValidateResult


@pytest.fixture(scope="session")
def city(tmp_path_factory: pytest.TempPathFactory) -> City:
    """Grids generated from the street, 6,000 simulated cases, validated against the grids."""
    folder = tmp_path_factory.mktemp("city")
    boundary = folder / "street.geojson"
    boundary.write_text(json.dumps(STREET))
    grids, report = citygrid.generate_grids(boundary)
    simulation = citygrid.simulate_cases(grids, cases=6_000, data=REPO / "data")
    validated = citygrid.validate_cases(
        simulation.cases, now=NOW, grids=grids, data=REPO / "data"
    )
    return City(folder, boundary, grids, report, simulation, validated)
