"""Small charts drawn on the server as inline SVG: no JavaScript, no files to fetch.

Each chart is an ``<svg role="img">`` whose ``aria-label`` reads out every value
(screen readers do not walk a picture's shapes), with a ``<title>`` for the whole
chart and one per bar (a tooltip when hovered). Labels and values are drawn as text,
numbers formatted by Babel in the page's language. Sizes are in viewBox units; the
stylesheet lets the picture shrink to the width of a phone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import format_decimal
from markupsafe import Markup, escape

GREEN = "#14532d"
INK = "#1b1f23"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
FONT_SIZE = 13
# An average character's width at FONT_SIZE, to size label columns without a font file.
CHAR_WIDTH = 7.0


@dataclass(frozen=True)
class Datum:
    """One bar: its label, its value and, optionally, its own colour."""

    label: str
    value: int | float
    fill: str = GREEN


def _data(items: Sequence[Datum | tuple]) -> list[Datum]:
    return [item if isinstance(item, Datum) else Datum(*item) for item in items]


def _number(value: int | float) -> str:
    return format_decimal(value)


def _clip(text: str, characters: int) -> str:
    """Shorten text to fit characters, marking the cut with an ellipsis."""
    characters = max(characters, 2)
    return text if len(text) <= characters else text[: characters - 1].rstrip() + "…"


def _wrap(text: str, characters: int, lines: int = 2) -> list[str]:
    """Break text at spaces into at most lines lines of about characters each."""
    words, result, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) <= characters or not current:
            current = candidate
        else:
            result.append(current)
            current = word
    result.append(current)
    if len(result) > lines:
        result = result[: lines - 1] + [" ".join(result[lines - 1 :])]
    return [_clip(line, characters) for line in result]


def _summary(title: str, data: list[Datum]) -> str:
    values = "; ".join(f"{datum.label}: {_number(datum.value)}" for datum in data)
    return f"{title}. {values}" if values else title


def _open(title: str, data: list[Datum], width: float, height: float, kind: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {kind}" role="img" '
        f'aria-label="{escape(_summary(title, data))}" viewBox="0 0 {width:g} {height:g}" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}">',
        f"<title>{escape(title)}</title>",
    ]


def bar_chart(items: Sequence[Datum | tuple], title: str, *, width: int = 360) -> Markup:
    """Draw horizontal bars, one row per datum, label on the left and value at the end."""
    data = _data(items)
    row, bar = 26, 18
    longest = max((len(datum.label) for datum in data), default=0)
    label_width = min(longest * CHAR_WIDTH + 10, width * 0.45)
    value_room = max((len(_number(datum.value)) for datum in data), default=1) * CHAR_WIDTH + 10
    room = max(width - label_width - value_room, 10)
    top = max((datum.value for datum in data), default=0)
    height = max(len(data), 1) * row + 4
    parts = _open(title, data, width, height, "bars")
    for index, datum in enumerate(data):
        y = index * row + 4
        length = room * datum.value / top if top > 0 else 0
        label = _clip(datum.label, int((label_width - 10) / CHAR_WIDTH))
        middle = y + bar / 2 + FONT_SIZE * 0.35
        parts.append(
            f"<g><title>{escape(datum.label)}: {escape(_number(datum.value))}</title>"
            f'<text x="0" y="{middle:.1f}" fill="{INK}">{escape(label)}</text>'
            f'<rect x="{label_width:.1f}" y="{y}" width="{length:.1f}" height="{bar}" '
            f'fill="{escape(datum.fill)}" rx="2"/>'
            f'<text x="{label_width + length + 4:.1f}" y="{middle:.1f}" fill="{INK}">'
            f"{escape(_number(datum.value))}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(
    items: Sequence[Datum | tuple], title: str, *, width: int = 360, plot_height: int = 120
) -> Markup:
    """Draw vertical columns side by side, value above each and label (two lines) below."""
    data = _data(items)
    slot = width / max(len(data), 1)
    column = min(slot * 0.6, 56)
    value_line, label_lines = 18, 2
    baseline = value_line + plot_height
    height = baseline + 6 + label_lines * (FONT_SIZE + 2)
    top = max((datum.value for datum in data), default=0)
    characters = max(int(slot / CHAR_WIDTH), 3)
    parts = _open(title, data, width, height, "columns")
    parts.append(
        f'<line x1="0" y1="{baseline}" x2="{width}" y2="{baseline}" stroke="{INK}" '
        f'stroke-width="1"/>'
    )
    for index, datum in enumerate(data):
        centre = slot * index + slot / 2
        tall = plot_height * datum.value / top if top > 0 else 0
        lines = "".join(
            f'<tspan x="{centre:.1f}" dy="{0 if number == 0 else FONT_SIZE + 2}">'
            f"{escape(line)}</tspan>"
            for number, line in enumerate(_wrap(datum.label, characters, label_lines))
        )
        parts.append(
            f"<g><title>{escape(datum.label)}: {escape(_number(datum.value))}</title>"
            f'<rect x="{centre - column / 2:.1f}" y="{baseline - tall:.1f}" '
            f'width="{column:.1f}" height="{tall:.1f}" fill="{escape(datum.fill)}" rx="2"/>'
            f'<text x="{centre:.1f}" y="{baseline - tall - 4:.1f}" text-anchor="middle" '
            f'fill="{INK}">{escape(_number(datum.value))}</text>'
            f'<text x="{centre:.1f}" y="{baseline + FONT_SIZE + 4}" text-anchor="middle" '
            f'fill="{INK}">{lines}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def time_chart(
    items: Sequence[Datum | tuple],
    title: str,
    *,
    ticks: dict[int, str] | None = None,
    width: int = 640,
    plot_height: int = 120,
) -> Markup:
    """Draw a series in time order as thin columns, for days or weeks.

    A year of days is too many columns for a value and a label each: the axis shows
    only ``ticks`` (column index → short label) and the highest value, while every
    column keeps its full label and value in its tooltip and in the aria-label.
    """
    data = _data(items)
    ticks = ticks or {}
    top = max((datum.value for datum in data), default=0)
    top_text = _number(top)
    left = len(top_text) * CHAR_WIDTH + 8
    top_line, tick_room = FONT_SIZE + 4, FONT_SIZE + 10
    baseline = top_line + plot_height
    height = baseline + tick_room
    slot = (width - left) / max(len(data), 1)
    column = max(slot * 0.8, 1.0)
    parts = _open(title, data, width, height, "timeline")
    parts.append(
        f'<text x="{left - 6:.1f}" y="{top_line + FONT_SIZE * 0.35:.1f}" text-anchor="end" '
        f'fill="{INK}">{escape(top_text)}</text>'
        f'<line x1="{left:.1f}" y1="{top_line}" x2="{width}" y2="{top_line}" stroke="#d8dcd6" '
        f'stroke-width="1" stroke-dasharray="3 3"/>'
        f'<line x1="{left:.1f}" y1="{baseline}" x2="{width}" y2="{baseline}" stroke="{INK}" '
        f'stroke-width="1"/>'
    )
    tick_end = float("-inf")  # where the last drawn tick label ends
    for index, datum in enumerate(data):
        x = left + slot * index + (slot - column) / 2
        if datum.value and top > 0:
            tall = plot_height * datum.value / top
            parts.append(
                f'<rect x="{x:.1f}" y="{baseline - tall:.1f}" width="{column:.1f}" '
                f'height="{tall:.1f}" fill="{escape(datum.fill)}">'
                f"<title>{escape(datum.label)}: {escape(_number(datum.value))}</title></rect>"
            )
        if index in ticks:
            label = ticks[index]
            centre = x + column / 2
            half = len(label) * CHAR_WIDTH / 2
            anchor = min(max(centre, left + half), width - half)
            if anchor - half < tick_end + CHAR_WIDTH:
                continue  # it would overlap the previous label: leave it to the tooltip
            tick_end = anchor + half
            parts.append(
                f'<line x1="{centre:.1f}" y1="{baseline}" x2="{centre:.1f}" '
                f'y2="{baseline + 4}" stroke="{INK}" stroke-width="1"/>'
                f'<text x="{anchor:.1f}" y="{baseline + FONT_SIZE + 5}" text-anchor="middle" '
                f'fill="{INK}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
