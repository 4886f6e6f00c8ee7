"""Where shoppers checked from: a bubble map of Vietnam's provinces, drawn as inline SVG.

We hold no borders, only each province's administrative centre, so the "map" is
those 34 points in an equirectangular projection of the country's extent (the
Hoàng Sa and Trường Sa archipelagos included, as every map of Vietnam shows them):
a grey dot per province, and a circle whose area follows its first checks where
shoppers shared it. The names sit in a column beside the map, linked by a thin
line, because the Red River delta's provinces are too close for labels beside
their circles. Like the charts, the picture is one ``role="img"`` whose aria-label
reads every figure; the page shows the same figures as a table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .. import provinces
from ..i18n import current_language
from .charts import FONT, FONT_SIZE, GREEN, INK

# The drawn extent in degrees: mainland, islands and both archipelagos, a margin around.
NORTH, SOUTH = 23.6, 8.0
WEST, EAST = 102.0, 113.2
PIXELS_PER_DEGREE = 28.0
# Equirectangular: a degree of longitude drawn as wide as it is at the middle latitude.
LONGITUDE_SCALE = math.cos(math.radians((NORTH + SOUTH) / 2))
MAX_RADIUS = 20.0
MIN_RADIUS = 3.0
DOT_RADIUS = 1.8
LABEL_GAP = 16.0  # between the map's east edge and the column of names
LINE_HEIGHT = FONT_SIZE + 3
LABEL_COLUMN = 170.0
GREY = "#9aa39b"
BACKGROUND = "#f3f6f4"
# Approximate centres of the archipelagos, drawn as a few dots with their names
# (Vietnamese and English, as ``provinces`` keeps names: data, not interface text).
ARCHIPELAGOS = (
    ("Hoàng Sa", "Hoang Sa", 16.5, 112.0),
    ("Trường Sa", "Truong Sa", 8.9, 111.9),
)


class Place(Protocol):
    """One province's figures (see ``scan_analytics.ProvinceChecks``)."""

    @property
    def province(self) -> provinces.Province: ...

    @property
    def first_checks(self) -> int: ...

    @property
    def shared_checks(self) -> int: ...


def project(lat: float, lon: float) -> tuple[float, float]:
    """Return the (x, y) position of a point, north up, in viewBox units."""
    x = (lon - WEST) * LONGITUDE_SCALE * PIXELS_PER_DEGREE
    y = (NORTH - lat) * PIXELS_PER_DEGREE
    return x, y


MAP_WIDTH, MAP_HEIGHT = project(SOUTH, EAST)


def radius(first_checks: int, most: int) -> float:
    """Circle radius with its area proportional to first checks, never invisible."""
    if first_checks <= 0 or most <= 0:
        return 0.0
    return max(MAX_RADIUS * math.sqrt(first_checks / most), MIN_RADIUS)


def _number(value: int) -> str:
    return format_decimal(value)


def describe(place: Place, language: str) -> str:
    """One province's figures as a sentence, for the tooltip and the aria-label."""
    return _(
        "%(province)s: first checks %(first)s, all shared checks %(shared)s",
        province=place.province.name(language),
        first=_number(place.first_checks),
        shared=_number(place.shared_checks),
    )


def _label_positions(shown: list[Place]) -> list[float]:
    """Baselines for the names, north to south, each at its province or just below the last."""
    positions: list[float] = []
    for place in shown:
        _x, y = project(place.province.lat, place.province.lon)
        wanted = y + FONT_SIZE * 0.35
        positions.append(max(wanted, positions[-1] + LINE_HEIGHT) if positions else wanted)
    return positions


def _leader_lines(shown: list[Place], baselines: list[float], most: int, to_x: float) -> list[str]:
    lines = []
    for place, baseline in zip(shown, baselines, strict=True):
        x, y = project(place.province.lat, place.province.lon)
        edge = x + max(radius(place.first_checks, most), MIN_RADIUS)
        lines.append(
            f'<line x1="{edge:.1f}" y1="{y:.1f}" x2="{to_x - 3:.1f}" '
            f'y2="{baseline - FONT_SIZE * 0.35:.1f}" stroke="#c9cec8" stroke-width="0.6"/>'
        )
    return lines


def _background(language: str) -> list[str]:
    """The map's frame, both archipelagos, and every province's centre as a grey dot."""
    parts = [
        f'<rect width="{MAP_WIDTH:.0f}" height="{MAP_HEIGHT:.0f}" rx="6" fill="{BACKGROUND}"/>'
    ]
    for name_vi, name_en, lat, lon in ARCHIPELAGOS:
        x, y = project(lat, lon)
        dots = "".join(
            f'<circle cx="{x + dx:.1f}" cy="{y + dy:.1f}" r="1.2" fill="{GREY}"/>'
            for dx, dy in ((0, 0), (5, 3), (-4, 4), (2, -4))
        )
        name = name_vi if language == "vi" else name_en
        parts.append(
            f'<g>{dots}<text x="{x:.1f}" y="{y + 16:.1f}" text-anchor="middle" '
            f'font-size="{FONT_SIZE - 3}" fill="#6b7280">{escape(name)}</text></g>'
        )
    for province in provinces.PROVINCES:
        x, y = project(province.lat, province.lon)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{DOT_RADIUS}" fill="{GREY}"/>')
    return parts


def _circles(shown: list[Place], most: int, language: str) -> list[str]:
    circles = []
    # Largest first, so that a small province's circle stays on top of its neighbour's.
    for place in sorted(shown, key=lambda place: -place.first_checks):
        x, y = project(place.province.lat, place.province.lon)
        size = radius(place.first_checks, most)
        paint = (
            f'fill="{GREEN}" fill-opacity="0.55" stroke="{GREEN}" stroke-width="1"'
            if size
            else f'fill="#fff" stroke="{GREEN}" stroke-width="1.2"'  # shared, never a first
        )
        circles.append(
            f'<circle class="place" data-province="{escape(place.province.code)}" '
            f'cx="{x:.1f}" cy="{y:.1f}" r="{size or MIN_RADIUS:.1f}" {paint}>'
            f"<title>{escape(describe(place, language))}</title></circle>"
        )
    return circles


def _names(shown: list[Place], baselines: list[float], x: float, language: str) -> list[str]:
    return [
        f'<text class="name" x="{x:.1f}" y="{baseline:.1f}" fill="{INK}">'
        f"{escape(place.province.name(language))} "
        f'<tspan font-weight="bold">{escape(_number(place.first_checks))}</tspan></text>'
        for place, baseline in zip(shown, baselines, strict=True)
    ]


def province_map(places: Sequence[Place], title: str) -> Markup:
    """Draw the bubble map of the places with any shared check, every province as a dot."""
    language = current_language()
    shown = sorted(
        (place for place in places if place.first_checks or place.shared_checks),
        key=lambda place: (-place.province.lat, place.province.lon),
    )
    most = max((place.first_checks for place in shown), default=0)
    baselines = _label_positions(shown)
    column_x = MAP_WIDTH + LABEL_GAP
    width = column_x + LABEL_COLUMN
    height = max(MAP_HEIGHT, (baselines[-1] if baselines else 0) + LINE_HEIGHT / 2) + 4
    by_first = sorted(shown, key=lambda place: (-place.first_checks, -place.shared_checks))
    summary = "; ".join(describe(place, language) for place in by_first)
    label = f"{title}. {summary}" if summary else title
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart map" role="img" '
        f'aria-label="{escape(label)}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}">',
        f"<title>{escape(title)}</title>",
        *_background(language),
        # Leader lines beneath the circles they start from.
        *_leader_lines(shown, baselines, most, column_x),
        *_circles(shown, most, language),
        *_names(shown, baselines, column_x, language),
        "</svg>",
    ]
    return Markup("".join(parts))
