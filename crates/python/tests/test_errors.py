"""One exception hierarchy, defined in Rust and re-exported by the facade."""

from __future__ import annotations

import citygrid
from citygrid import _citygrid


def test_hierarchy() -> None:
    assert issubclass(citygrid.CitygridError, Exception)
    assert issubclass(citygrid.InputError, citygrid.CitygridError)
    assert issubclass(citygrid.InternalError, citygrid.CitygridError)
    assert not issubclass(citygrid.InputError, citygrid.InternalError)


def test_the_facade_re_exports_the_native_classes() -> None:
    assert citygrid.CitygridError is _citygrid.CitygridError
    assert citygrid.InputError is _citygrid.InputError
    assert citygrid.InternalError is _citygrid.InternalError


def test_classes_live_in_the_public_package() -> None:
    assert citygrid.InputError.__module__ == "citygrid"
    assert citygrid.InputError.__qualname__ == "InputError"
