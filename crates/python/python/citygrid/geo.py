"""Layers: a polars DataFrame with a WKB geometry column, and the CRS of its geometries.

GeoParquet stores geometries as WKB, and so does :class:`GeoTable`: the table stays a plain
polars DataFrame (filter, join and group it as usual), and GeoPandas takes it in one line::

    gdf = layer.to_geopandas()                                   # needs geopandas
    gdf = geopandas.GeoDataFrame.from_features(layer, crs=layer.crs)  # via __geo_interface__
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import polars as pl

from citygrid import _citygrid
from citygrid._tables import as_polars


@dataclass(frozen=True)
class GeoTable:
    """A layer: ``df`` with one WKB geometry per row in its ``geometry`` column (null where a row
    has none), in ``crs`` (``EPSG:4549``, ``EPSG:4326``, … as :func:`citygrid.convert_points`
    names them)."""

    df: pl.DataFrame
    """The rows: attribute columns and the WKB geometry column."""
    crs: str
    """The CRS of the geometries."""
    geometry: str = "geometry"
    """The name of the geometry column."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "df", as_polars(self.df, "df"))
        if self.geometry not in self.df.columns:
            raise _citygrid.InputError(
                f"GeoTable: no geometry column {self.geometry!r} "
                f"(columns: {', '.join(self.df.columns)})"
            )

    def __len__(self) -> int:
        return self.df.height

    def __repr__(self) -> str:
        return f"GeoTable({self.df.height} rows in {self.crs}, columns {self.df.columns})"

    @property
    def parts(self) -> tuple[pl.DataFrame, str, str]:
        """The layer as the native module takes it: (table, CRS, geometry column)."""
        return (self.df, self.crs, self.geometry)

    @property
    def attributes(self) -> pl.DataFrame:
        """The table without its geometry column."""
        return self.df.drop(self.geometry)

    def geojson(self, crs: str | None = "wgs84") -> dict[str, Any]:
        """The layer as a GeoJSON FeatureCollection (a dict), coordinates in ``crs`` (WGS84 by
        default, as RFC 7946 wants; ``None`` keeps the layer's)."""
        text = _citygrid.layer_geojson(self.df, self.crs, self.geometry, crs)
        result: dict[str, Any] = json.loads(text)
        return result

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        """The ``__geo_interface__`` protocol: a FeatureCollection in the layer's own CRS (pass
        ``crs=layer.crs`` to whoever reads it)."""
        return self.geojson(crs=None)

    def to_geopandas(self) -> Any:
        """A ``geopandas.GeoDataFrame`` of the layer, with its CRS (needs geopandas)."""
        import geopandas  # optional dependency: imported only here
        import pandas

        attributes = pandas.DataFrame(self.attributes.to_dict(as_series=False))
        geometries = geopandas.GeoSeries.from_wkb(self.df[self.geometry].to_list(), crs=self.crs)
        return geopandas.GeoDataFrame(attributes, geometry=geometries, crs=self.crs)

    def write(self, path: str | os.PathLike[str], *, crs: str | None = None) -> None:
        """Writes the layer as GeoJSON (``.geojson``: WGS84, RFC 7946) or GeoParquet
        (``.parquet``: in ``crs``, default the layer's), atomically. Every row needs a geometry.
        """
        _citygrid.write_layer(self.df, self.crs, self.geometry, os.fspath(path), crs)


def read_layer(path: str | os.PathLike[str]) -> GeoTable:
    """Reads a GeoJSON or GeoParquet layer (any CRS: GeoJSON's ``crs`` member, else WGS84;
    GeoParquet's metadata) as a :class:`GeoTable`.

    Raises :class:`citygrid.InputError` for a missing or unreadable file.
    """
    df, crs = _citygrid.read_layer(os.fspath(path))
    return GeoTable(df, crs)


def as_layer(layer: Any, argument: str) -> GeoTable:
    """``layer`` as a :class:`GeoTable`: a GeoTable as is, or anything with ``.layer()`` giving
    one (:class:`citygrid.Grids`). Raises TypeError for anything else."""
    if isinstance(layer, GeoTable):
        return layer
    method = getattr(layer, "layer", None)
    if callable(method):
        result = method()
        if isinstance(result, GeoTable):
            return result
    raise TypeError(f"{argument}: expected a citygrid.GeoTable or citygrid.Grids, not {type(layer).__name__}")
