//! Well-known binary (WKB), the geometry encoding of GeoParquet: 2D geometries, ISO type codes.
//!
//! Written little-endian; read in either byte order. Geometries with Z or M coordinates are
//! rejected with a clear error rather than flattened.

use geo::{
    Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon,
    Point, Polygon,
};

use crate::error::{Error, Result};

const POINT: u32 = 1;
const LINESTRING: u32 = 2;
const POLYGON: u32 = 3;
const MULTIPOINT: u32 = 4;
const MULTILINESTRING: u32 = 5;
const MULTIPOLYGON: u32 = 6;
const COLLECTION: u32 = 7;

/// The GeoParquet name of a geometry's type ("Point", "MultiPolygon", …).
pub fn geometry_type_name(geometry: &Geometry<f64>) -> &'static str {
    match geometry {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) | Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
    }
}

/// Encodes a geometry as little-endian WKB.
pub fn to_wkb(geometry: &Geometry<f64>) -> Vec<u8> {
    let mut out = Vec::new();
    write_geometry(&mut out, geometry);
    out
}

fn header(out: &mut Vec<u8>, kind: u32) {
    out.push(1);
    out.extend_from_slice(&kind.to_le_bytes());
}

fn count(out: &mut Vec<u8>, n: usize) {
    // Counts beyond u32 cannot occur in memory-sized geometries; saturate rather than wrap.
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

fn coord(out: &mut Vec<u8>, c: Coord<f64>) {
    out.extend_from_slice(&c.x.to_le_bytes());
    out.extend_from_slice(&c.y.to_le_bytes());
}

fn ring(out: &mut Vec<u8>, line: &LineString<f64>) {
    count(out, line.0.len());
    for &c in &line.0 {
        coord(out, c);
    }
}

fn polygon_body(out: &mut Vec<u8>, p: &Polygon<f64>) {
    count(out, 1 + p.interiors().len());
    ring(out, p.exterior());
    for interior in p.interiors() {
        ring(out, interior);
    }
}

fn write_geometry(out: &mut Vec<u8>, geometry: &Geometry<f64>) {
    match geometry {
        Geometry::Point(p) => {
            header(out, POINT);
            coord(out, p.0);
        }
        Geometry::Line(l) => write_geometry(
            out,
            &Geometry::LineString(LineString::new(vec![l.start, l.end])),
        ),
        Geometry::LineString(l) => {
            header(out, LINESTRING);
            ring(out, l);
        }
        Geometry::Polygon(p) => {
            header(out, POLYGON);
            polygon_body(out, p);
        }
        Geometry::Rect(r) => write_geometry(out, &Geometry::Polygon(r.to_polygon())),
        Geometry::Triangle(t) => write_geometry(out, &Geometry::Polygon(t.to_polygon())),
        Geometry::MultiPoint(m) => {
            header(out, MULTIPOINT);
            count(out, m.0.len());
            for p in m {
                write_geometry(out, &Geometry::Point(*p));
            }
        }
        Geometry::MultiLineString(m) => {
            header(out, MULTILINESTRING);
            count(out, m.0.len());
            for l in m {
                header(out, LINESTRING);
                ring(out, l);
            }
        }
        Geometry::MultiPolygon(m) => {
            header(out, MULTIPOLYGON);
            count(out, m.0.len());
            for p in m {
                header(out, POLYGON);
                polygon_body(out, p);
            }
        }
        Geometry::GeometryCollection(c) => {
            header(out, COLLECTION);
            count(out, c.0.len());
            for g in c {
                write_geometry(out, g);
            }
        }
    }
}

/// Decodes WKB (either byte order, 2D ISO or EWKB-free type codes).
pub fn from_wkb(bytes: &[u8]) -> Result<Geometry<f64>> {
    let mut reader = Reader {
        bytes,
        at: 0,
        little: true,
    };
    let geometry = reader.geometry(0)?;
    if reader.at != bytes.len() {
        return Err(reader.error("bytes left over after the geometry"));
    }
    Ok(geometry)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    little: bool,
}

impl Reader<'_> {
    fn error(&self, reason: &str) -> Error {
        Error::invalid_value("WKB geometry", format!("at byte {}", self.at), reason)
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N]> {
        let end = self.at + N;
        let slice = self
            .bytes
            .get(self.at..end)
            .ok_or_else(|| self.error("ends too early"))?;
        self.at = end;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32> {
        let b = self.take::<4>()?;
        Ok(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn f64(&mut self) -> Result<f64> {
        let b = self.take::<8>()?;
        Ok(if self.little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }

    fn len(&mut self) -> Result<usize> {
        let n = self.u32()? as usize;
        // Each element takes at least 8 bytes: a count larger than what is left is corrupt.
        if n > self.bytes.len().saturating_sub(self.at) {
            return Err(self.error("a count larger than the data"));
        }
        Ok(n)
    }

    fn coord(&mut self) -> Result<Coord<f64>> {
        Ok(Coord {
            x: self.f64()?,
            y: self.f64()?,
        })
    }

    fn line(&mut self) -> Result<LineString<f64>> {
        let n = self.len()?;
        (0..n)
            .map(|_| self.coord())
            .collect::<Result<Vec<_>>>()
            .map(LineString::new)
    }

    fn polygon(&mut self) -> Result<Polygon<f64>> {
        let n = self.len()?;
        let mut rings = (0..n)
            .map(|_| self.line())
            .collect::<Result<Vec<_>>>()?
            .into_iter();
        let exterior = rings.next().unwrap_or_else(|| LineString::new(vec![]));
        Ok(Polygon::new(exterior, rings.collect()))
    }

    fn geometry(&mut self, depth: usize) -> Result<Geometry<f64>> {
        if depth > 32 {
            return Err(self.error("nested too deeply"));
        }
        let [order] = self.take::<1>()?;
        self.little = match order {
            0 => false,
            1 => true,
            _ => return Err(self.error("byte order must be 0 or 1")),
        };
        let kind = self.u32()?;
        if kind > 7 {
            return Err(self.error(&format!(
                "geometry type {kind} is not a 2D type (1-7); Z and M are not read"
            )));
        }
        let typed = |expected: u32, this: &mut Self| -> Result<Geometry<f64>> {
            let g = this.geometry(depth + 1)?;
            let actual = match &g {
                Geometry::Point(_) => POINT,
                Geometry::LineString(_) => LINESTRING,
                Geometry::Polygon(_) => POLYGON,
                _ => 0,
            };
            if actual == expected {
                Ok(g)
            } else {
                Err(this.error("a multi-geometry member of the wrong type"))
            }
        };
        Ok(match kind {
            POINT => {
                let c = self.coord()?;
                Geometry::Point(Point(c))
            }
            LINESTRING => Geometry::LineString(self.line()?),
            POLYGON => Geometry::Polygon(self.polygon()?),
            MULTIPOINT => {
                let n = self.len()?;
                let mut points = Vec::with_capacity(n);
                for _ in 0..n {
                    if let Geometry::Point(p) = typed(POINT, self)? {
                        points.push(p);
                    }
                }
                Geometry::MultiPoint(MultiPoint(points))
            }
            MULTILINESTRING => {
                let n = self.len()?;
                let mut lines = Vec::with_capacity(n);
                for _ in 0..n {
                    if let Geometry::LineString(l) = typed(LINESTRING, self)? {
                        lines.push(l);
                    }
                }
                Geometry::MultiLineString(MultiLineString(lines))
            }
            MULTIPOLYGON => {
                let n = self.len()?;
                let mut polygons = Vec::with_capacity(n);
                for _ in 0..n {
                    if let Geometry::Polygon(p) = typed(POLYGON, self)? {
                        polygons.push(p);
                    }
                }
                Geometry::MultiPolygon(MultiPolygon(polygons))
            }
            COLLECTION => {
                let n = self.len()?;
                let members = (0..n)
                    .map(|_| self.geometry(depth + 1))
                    .collect::<Result<Vec<_>>>()?;
                Geometry::GeometryCollection(GeometryCollection(members))
            }
            _ => return Err(self.error("geometry type 0 is not a geometry")),
        })
    }
}

#[cfg(test)]
mod tests {
    use geo::{line_string, point, polygon};

    use super::*;

    #[test]
    fn round_trips_every_type() {
        let square = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0)],
            interiors: [[(x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 2.0)]],
        );
        let line = line_string![(x: 1.5, y: -2.0), (x: 3.0, y: 9.25)];
        let geometries = vec![
            Geometry::Point(point!(x: 119.5, y: 35.4)),
            Geometry::LineString(line.clone()),
            Geometry::Polygon(square.clone()),
            Geometry::MultiPoint(MultiPoint(vec![
                point!(x: 1.0, y: 2.0),
                point!(x: 3.0, y: 4.0),
            ])),
            Geometry::MultiLineString(MultiLineString(vec![line.clone(), line])),
            Geometry::MultiPolygon(MultiPolygon(vec![square.clone(), square])),
            Geometry::GeometryCollection(GeometryCollection(vec![Geometry::Point(
                point!(x: 0.0, y: 1.0),
            )])),
        ];
        for g in geometries {
            assert_eq!(from_wkb(&to_wkb(&g)).unwrap(), g);
        }
    }

    #[test]
    fn matches_the_reference_bytes_of_a_point() {
        // POINT (1 2), little-endian, as the OGC specification lays it out.
        let expected = [
            1u8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0x40,
        ];
        assert_eq!(to_wkb(&Geometry::Point(point!(x: 1.0, y: 2.0))), expected);
        // The same point big-endian.
        let big = [
            0u8, 0, 0, 0, 1, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0,
        ];
        assert_eq!(
            from_wkb(&big).unwrap(),
            Geometry::Point(point!(x: 1.0, y: 2.0))
        );
    }

    #[test]
    fn rejects_corrupt_and_3d_input() {
        let point = to_wkb(&Geometry::Point(point!(x: 1.0, y: 2.0)));
        assert!(
            from_wkb(&point[..10])
                .unwrap_err()
                .to_string()
                .contains("ends too early")
        );
        let mut z = point.clone();
        z[1] = 0xe9; // 1001 = Point Z
        z[2] = 0x03;
        assert!(
            from_wkb(&z)
                .unwrap_err()
                .to_string()
                .contains("not a 2D type")
        );
        let mut extra = point;
        extra.push(0);
        assert!(from_wkb(&extra).is_err());
        assert!(from_wkb(&[1, 2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]).is_err());
    }
}
