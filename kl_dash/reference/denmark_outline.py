"""Make denmark.geojson: Denmark's coast from Natural Earth, simplified for an offline map.

Run once by hand, not by kl_dash (see README.md beside this file):

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python kl_dash/reference/denmark_outline.py package/countries-10m.json \
        kl_dash/reference/denmark.geojson

It decodes the TopoJSON's "Denmark" (Natural Earth's Admin 0 country: Jutland and the
islands, without the Faroe Islands and Greenland), keeps each island's outer ring, leaves out
islands smaller than about 3 km², simplifies each ring with Douglas-Peucker at 0.002 degrees
(about 200 m) and rounds to 3 decimals.
"""

from __future__ import annotations

import json
import math
import sys

TOLERANCE = 0.002  # degrees of latitude
MIN_AREA = 0.0004  # square degrees, longitude scaled by cos(56°)
_X_SCALE = math.cos(math.radians(56))


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The topology's arcs as longitude/latitude points (delta-encoded, quantized)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list, indices: list[int]) -> list[tuple[float, float]]:
    """One ring from arc indices (a negative index is that arc reversed: ~i)."""
    points: list[tuple[float, float]] = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def area(points: list) -> float:
    """A ring's area in square degrees, longitude scaled to distance at 56° N."""
    pairs = zip(points, points[1:] + points[:1], strict=True)
    return abs(sum(x1 * _X_SCALE * y2 - x2 * _X_SCALE * y1 for (x1, y1), (x2, y2) in pairs)) / 2


def simplify(points: list, tolerance: float) -> list:
    """Douglas-Peucker: the points that keep the line within tolerance of the original."""
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    ax, bx = x1 * _X_SCALE, x2 * _X_SCALE
    dx, dy = bx - ax, y2 - y1

    def distance(point):
        qx, qy = point[0] * _X_SCALE, point[1]
        if dx == dy == 0:
            return math.hypot(qx - ax, qy - y1)
        t = max(0.0, min(1.0, ((qx - ax) * dx + (qy - y1) * dy) / (dx * dx + dy * dy)))
        return math.hypot(qx - ax - t * dx, qy - y1 - t * dy)

    far, most = max(((i, distance(p)) for i, p in enumerate(points[1:-1], 1)), key=lambda d: d[1])
    if most <= tolerance:
        return [points[0], points[-1]]
    return simplify(points[: far + 1], tolerance)[:-1] + simplify(points[far:], tolerance)


def outline(topology: dict) -> dict:
    """Denmark's islands as one GeoJSON Feature (MultiPolygon), largest first."""
    arcs = decode_arcs(topology)
    [denmark] = [
        g for g in topology["objects"]["countries"]["geometries"]
        if g["properties"]["name"] == "Denmark"
    ]  # fmt: skip
    polygons = denmark["arcs"] if denmark["type"] == "MultiPolygon" else [denmark["arcs"]]
    rings = []
    for polygon in polygons:
        outer = ring(arcs, polygon[0])
        if area(outer) < MIN_AREA:
            continue
        simple = simplify(outer, TOLERANCE)
        if len(simple) >= 4:
            rings.append([[round(x, 3), round(y, 3)] for x, y in simple])
    rings.sort(key=lambda r: -area([tuple(p) for p in r]))
    return {
        "type": "Feature",
        "properties": {
            "name": "Danmark",
            "source": "Natural Earth 1:10m Admin 0 countries 4.1.0, via npm world-atlas 2.0.2",
            "license": "public domain (Natural Earth); world-atlas ISC",
        },
        "geometry": {"type": "MultiPolygon", "coordinates": [[r] for r in rings]},
    }


if __name__ == "__main__":
    source, target = sys.argv[1:3]
    with open(source, encoding="utf-8") as f:
        feature = outline(json.load(f))
    with open(target, "w", encoding="utf-8") as f:
        json.dump(feature, f, separators=(",", ":"))
    print(len(feature["geometry"]["coordinates"]), "islands written to", target)
