"""Build ``src/minewatch/web/static/world.json`` from Natural Earth (public domain).

Run once by a developer, not at run time: the output is committed.  The
shapefile comes from a package that ships Natural Earth 1:110m admin-0
countries::

    pip download geopandas==0.14.4 --no-deps -d /tmp/geo
    cd /tmp/geo && unzip -o geopandas-0.14.4-py3-none-any.whl 'geopandas/datasets/naturalearth_lowres/*'
    python bench/build_world_map.py /tmp/geo/geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp

Projection: equirectangular with the x axis scaled by cos(50°), which keeps
Europe's shapes recognisable without any trigonometry in the browser.  Paths
are simplified (Douglas-Peucker) and rounded to one decimal, so the file stays
small (< 1 MB).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import shapefile  # pyshp

OUT = Path(__file__).resolve().parents[1] / "src" / "minewatch" / "web" / "static" / "world.json"

SCALE = 4.0  # SVG units per degree of latitude
X_FACTOR = math.cos(math.radians(50))
TOLERANCE = 0.6  # SVG units
#: Natural Earth writes -99 for a few states whose code is disputed; the name settles it.
NAME_FIXES = {"France": "FRA", "Norway": "NOR", "Kosovo": "XKX", "N. Cyprus": "CYN", "Somaliland": "SOL"}
#: Where the dashboard opens (lon/lat box around Europe).
EUROPE = (-25.0, 34.0, 45.0, 71.5)


def project(lon: float, lat: float) -> tuple[float, float]:
    return ((lon + 180.0) * SCALE * X_FACTOR, (90.0 - lat) * SCALE)


def _perp(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def simplify(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        best, idx = 0.0, -1
        for k in range(i + 1, j):
            d = _perp(points[k], points[i], points[j])
            if d > best:
                best, idx = d, k
        if best > tol and idx > 0:
            keep[idx] = True
            stack.extend([(i, idx), (idx, j)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def path_of(shape) -> str:
    parts = list(shape.parts) + [len(shape.points)]
    out = []
    for a, b in zip(parts, parts[1:], strict=False):
        ring = [project(x, y) for x, y in shape.points[a:b]]
        ring = simplify(ring, TOLERANCE)
        if len(ring) < 4:
            continue
        out.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + "Z")
    return "".join(out)


def main(shp: str) -> None:
    reader = shapefile.Reader(shp)
    shapes = {}
    for sr in reader.iterShapeRecords():
        rec = sr.record.as_dict()
        iso = rec["iso_a3"]
        if iso == "-99":
            iso = NAME_FIXES.get(rec["name"])
        if not iso:
            continue
        d = path_of(sr.shape)
        if d:
            shapes[iso] = {"name": rec["name"], "d": d}
    x0, y0 = project(-180, 85)
    x1, y1 = project(180, -60)
    ex0, ey0 = project(EUROPE[0], EUROPE[3])
    ex1, ey1 = project(EUROPE[2], EUROPE[1])
    data = {
        "source": "Natural Earth 1:110m admin 0 countries (public domain), via geopandas 0.14.4 naturalearth_lowres",
        "projection": f"equirectangular, x scaled by cos(50deg), {SCALE} units per degree",
        "world": [round(x0, 1), round(y0, 1), round(x1 - x0, 1), round(y1 - y0, 1)],
        "europe": [round(ex0, 1), round(ey0, 1), round(ex1 - ex0, 1), round(ey1 - ey0, 1)],
        "shapes": dict(sorted(shapes.items())),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    print(f"{OUT}: {len(shapes)} shapes, {OUT.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main(sys.argv[1])
