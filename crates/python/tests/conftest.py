"""Shared fixtures: paths into the repository's committed data."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO
