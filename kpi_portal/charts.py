"""Charts drawn on the server as SVG: one markup for the web page and the PDF.

A chart is an ``<svg>`` element that looks right with no stylesheet at all:
colours, lines and the Sarabun font are SVG presentation attributes, never a
``style`` attribute or a ``<style>`` element (the CSP forbids inline styles, and
WeasyPrint prints the very same markup). It scales to its container through its
``viewBox`` with ``width="100%"``, so a phone 390 px wide never scrolls sideways.

Every chart is accessible three ways: ``role="img"`` labelled by its own
``<title>`` and ``<desc>``, a ``<title>`` on every mark (the figure shown on
hover), and ``Chart.table`` — the same numbers as rows for the table that
``templates/_chart.html`` puts beside the picture.

``None`` is "no figure" (a quarter not reported, an unpublished score): a gap in
the line or a missing bar, never a zero.

The palette is Okabe and Ito's, chosen to be told apart with the common colour
blindnesses, darkened where needed to reach 3:1 against white (WCAG's
contrast for graphics); lines also differ in dash and marker shape so no
series is told from another by colour alone.

This module knows no app: it takes labels already translated and numbers.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kpi_portal.thaidigits import EMPTY_AMOUNT, format_score, to_thai_digits

Number = Decimal | float | int

# Okabe–Ito, with the green, purple and ochre darkened to 3:1 on white.
PALETTE = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#007A5A",  # bluish green
    "#A8487F",  # reddish purple
    "#8A6A00",  # ochre (Okabe–Ito's orange, darkened)
    "#3B6E8F",  # slate (sky blue, darkened)
    "#5E5E5E",  # grey
    "#000000",
)
DASHES = ("", "7 4", "2 3", "9 3 2 3")
MARKERS = ("circle", "square", "triangle", "diamond")

INK = "#1D2430"
MUTED = "#4D5565"
GRID = "#D5DAE2"
AXIS = "#6B7280"
FONT = "Sarabun, 'Noto Sans Thai', Tahoma, sans-serif"

# Drawn 420 units wide: on a phone (about 340 px of chart) a 15-unit label is
# still 12 px; on a desktop column it is drawn at about its own size.
WIDTH = 420
FONT_SIZE = 15
LEGEND_FONT_SIZE = 15

_ids = itertools.count(1)
_TWO_PLACES = Decimal("0.01")


def _next_id() -> str:
    # Unique within the process, so unique on any page however many charts it has.
    return f"chart-{next(_ids)}"


@dataclass(frozen=True)
class Series:
    name: str  # legend label (Thai, already translated)
    values: Sequence[Number | None]  # one per category; None = no data (a gap, not zero)


@dataclass(frozen=True)
class TableRow:
    name: str
    cells: list[str]


@dataclass(frozen=True)
class ChartTable:
    """The chart's numbers: ``header`` are the categories, one row per series."""

    header: list[str]
    rows: list[TableRow]
    unit: str

    @property
    def by_category(self) -> list[tuple[str, list[str]]]:
        """The same table turned on its side (a row per category, a column per
        series): narrower on a phone, where the categories are many."""
        return [
            (category, [row.cells[index] for row in self.rows])
            for index, category in enumerate(self.header)
        ]


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    categories: list[str]
    series: list[Series]
    unit: str
    kind: str = "line"  # "line" or "bar"
    y_min: Number | None = None
    y_max: Number | None = None
    stacked: bool = False
    horizontal: bool = False
    thai_digits: bool = False  # ๐-๙ in every figure (printed documents)
    uid: str = field(default_factory=_next_id, compare=False)

    def __post_init__(self) -> None:
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(
                    f"series {series.name!r} has {len(series.values)} values "
                    f"for {len(self.categories)} categories"
                )

    def with_thai_digits(self) -> Chart:
        """The same chart with Thai digits, and ids of its own."""
        return replace(self, thai_digits=True, uid=_next_id())

    def number(self, value: Number | None) -> str:
        """A figure as the chart prints it: 97.5, 100, 3.46; None as an en dash."""
        if value is None:
            return EMPTY_AMOUNT
        text = format_score(_decimal(value).quantize(_TWO_PLACES, rounding=ROUND_HALF_UP))
        return to_thai_digits(text) if self.thai_digits else text

    @property
    def title_id(self) -> str:
        return f"{self.uid}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.uid}-desc"

    @cached_property
    def svg(self) -> SafeString:
        """The ``<svg>`` element."""
        # _render escapes every text it draws.
        svg = _render(self)
        return mark_safe(svg)  # noqa: S308  # nosec B308, B703

    @cached_property
    def table(self) -> ChartTable:
        """Rows for the data table: the categories, and one row per series."""
        return ChartTable(
            header=list(self.categories),
            rows=[
                TableRow(s.name, [self.number(value) for value in s.values]) for s in self.series
            ],
            unit=self.unit,
        )


def line_chart(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    y_min: Number | None = None,
    y_max: Number | None = None,
    thai_digits: bool = False,
) -> Chart:
    return Chart(
        title=title,
        description=description,
        categories=list(categories),
        series=list(series),
        unit=unit,
        kind="line",
        y_min=y_min,
        y_max=y_max,
        thai_digits=thai_digits,
    )


def bar_chart(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    y_max: Number | None = None,
    stacked: bool = False,
    horizontal: bool = False,
    thai_digits: bool = False,
) -> Chart:
    return Chart(
        title=title,
        description=description,
        categories=list(categories),
        series=list(series),
        unit=unit,
        kind="bar",
        y_max=y_max,
        stacked=stacked,
        horizontal=horizontal,
        thai_digits=thai_digits,
    )


# --- drawing -------------------------------------------------------------------


def _decimal(value: Number) -> Decimal:
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _esc(text: object) -> str:
    return str(escape(str(text)))


def _f(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def text_width(text: str, size: float) -> float:
    """Roughly how wide ``text`` is in Sarabun at ``size``: Thai vowels and tone
    marks above and below the line take no width of their own."""
    width = 0.0
    for char in text:
        if unicodedata.combining(char) or char in "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e47":
            continue
        if char == " ":
            width += 0.27
        elif char.isdigit() or char in ".,–-":
            width += 0.55
        elif "\u0e00" <= char <= "\u0e7f":
            width += 0.58
        elif char.isupper():
            width += 0.65
        else:
            width += 0.52
    return width * size


def _truncate(text: str, size: float, room: float) -> str:
    if text_width(text, size) <= room:
        return text
    while text and text_width(text + "…", size) > room:
        text = text[:-1]
    return text + "…"


def nice_ticks(low: float, high: float, count: int = 5, *, whole: bool = False) -> list[float]:
    """Round tick values covering ``low`` to ``high``: 0, 20, 40 … or 0, 2.5, 5 …
    (``whole``: counts, so no step smaller than 1)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1, math.ceil(step))
    start = math.floor(low / step + 1e-9) * step
    ticks = []
    tick = start
    while tick < high - 1e-9 * step:
        ticks.append(round(tick, 10))
        tick += step
    ticks.append(round(tick, 10))
    return ticks


@dataclass
class _Svg:
    parts: list[str] = field(default_factory=list)

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def text(self, x: float, y: float, content: str, **attrs: str | float) -> None:
        extra = "".join(f' {k.replace("_", "-")}="{_esc(v)}"' for k, v in attrs.items())
        self.add(f'<text x="{_f(x)}" y="{_f(y)}"{extra}>{_esc(content)}</text>')


def _bounds(chart: Chart) -> tuple[float, float]:
    if chart.stacked:
        totals = [
            sum((float(v) for s in chart.series if (v := s.values[i]) is not None), 0.0)
            for i in range(len(chart.categories))
        ]
        values = [*totals, 0.0]
    else:
        values = [float(v) for s in chart.series for v in s.values if v is not None]
    low = min(values, default=0.0)
    high = max(values, default=1.0)
    if chart.kind == "bar" or chart.y_min is None:
        low = min(low, 0.0)
    if chart.y_min is not None and chart.kind == "line":
        low = float(chart.y_min)
    if chart.y_max is not None:
        high = float(chart.y_max)
    return low, high


def _scale(chart: Chart, count: int) -> tuple[float, float, list[float]]:
    """The axis's ends and ticks: rounded outwards, except an end the caller fixed
    (a score out of 5 ends at 5, not 6)."""
    low, high = _bounds(chart)
    whole = all(
        isinstance(v, int) or (isinstance(v, Decimal) and v == v.to_integral_value())
        for s in chart.series
        for v in s.values
        if v is not None
    ) and (chart.y_max is None or float(chart.y_max).is_integer())
    ticks = nice_ticks(low, high, count, whole=whole and high - low <= 5)
    fixed_low = chart.y_min is not None and chart.kind == "line"
    fixed_high = chart.y_max is not None
    low = low if fixed_low else ticks[0]
    high = high if fixed_high else ticks[-1]
    ticks = [t for t in ticks if low - 1e-9 <= t <= high + 1e-9]
    if high <= low:
        high = low + 1
    return low, high, ticks


def _tick_label(chart: Chart, tick: float) -> str:
    return chart.number(Decimal(repr(tick)))


def _legend(chart: Chart, svg: _Svg, top: float) -> float:
    """Draws the legend (two series or more) from ``top``; returns its height."""
    if len(chart.series) < 2:
        return 0.0
    x, y, row_height = 8.0, top, LEGEND_FONT_SIZE + 9
    for index, series in enumerate(chart.series):
        label = _truncate(series.name, LEGEND_FONT_SIZE, WIDTH - 48)
        item = 26 + text_width(label, LEGEND_FONT_SIZE) + 16
        if x > 8 and x + item > WIDTH - 8:
            x, y = 8.0, y + row_height
        colour = PALETTE[index % len(PALETTE)]
        middle = y + row_height / 2
        if chart.kind == "line":
            svg.add(
                f'<line x1="{_f(x)}" y1="{_f(middle)}" x2="{_f(x + 20)}" y2="{_f(middle)}" '
                f'stroke="{colour}" stroke-width="2.5"{_dash(index)}/>'
            )
            svg.add(_marker(index, x + 10, middle, colour))
        else:
            svg.add(
                f'<rect x="{_f(x + 4)}" y="{_f(middle - 6)}" width="12" height="12" '
                f'fill="{colour}"/>'
            )
        svg.text(
            x + 26,
            middle + LEGEND_FONT_SIZE * 0.36,
            label,
            fill=INK,
            font_size=LEGEND_FONT_SIZE,
        )
        x += item
    return y + row_height - top + 6


def _dash(index: int) -> str:
    dash = DASHES[index % len(DASHES)]
    return f' stroke-dasharray="{dash}"' if dash else ""


def _marker(index: int, x: float, y: float, colour: str, title: str = "") -> str:
    shape = MARKERS[index % len(MARKERS)]
    inner = f"<title>{_esc(title)}</title>" if title else ""
    common = f'fill="{colour}" stroke="#FFFFFF" stroke-width="1" class="mark"'
    if shape == "circle":
        return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="4" {common}>{inner}</circle>'
    if shape == "square":
        return f'<rect x="{_f(x - 4)}" y="{_f(y - 4)}" width="8" height="8" {common}>{inner}</rect>'
    if shape == "triangle":
        points = f"{_f(x)},{_f(y - 5)} {_f(x + 5)},{_f(y + 4)} {_f(x - 5)},{_f(y + 4)}"
    else:
        points = f"{_f(x)},{_f(y - 5)} {_f(x + 5)},{_f(y)} {_f(x)},{_f(y + 5)} {_f(x - 5)},{_f(y)}"
    return f'<polygon points="{points}" {common}>{inner}</polygon>'


def _mark_title(chart: Chart, series: Series, category: str, value: Number) -> str:
    figure = chart.number(value)
    unit = f" {chart.unit}" if chart.unit else ""
    name = f"{series.name} · " if len(chart.series) > 1 else ""
    return f"{name}{category}: {figure}{unit}"


def _render(chart: Chart) -> str:
    svg = _Svg()
    legend_height = _legend(chart, svg, 4)
    body = _render_horizontal if chart.horizontal else _render_vertical
    height = body(chart, svg, 4 + legend_height)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_f(height)}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-labelledby="{chart.title_id} {chart.desc_id}" class="chart-svg" '
        f'font-family="{_esc(FONT)}" font-size="{FONT_SIZE}" fill="{INK}">'
        f'<title id="{chart.title_id}">{_esc(chart.title)}</title>'
        f'<desc id="{chart.desc_id}">{_esc(chart.description)}</desc>'
        f'<rect x="0" y="0" width="{WIDTH}" height="{_f(height)}" fill="#FFFFFF"/>'
    )
    return head + "".join(svg.parts) + "</svg>"


def _render_vertical(chart: Chart, svg: _Svg, top: float) -> float:
    """Categories along the bottom, values up the side; returns the height."""
    low, high, ticks = _scale(chart, 5)
    labels = [_tick_label(chart, t) for t in ticks]
    unit_room = FONT_SIZE + 8 if chart.unit else 4
    left = max(text_width(label, FONT_SIZE) for label in labels) + 14
    right = 14.0
    plot_top = top + unit_room + 4
    plot_height = 200.0
    bottom = plot_top + plot_height
    plot_width = WIDTH - left - right
    count = max(len(chart.categories), 1)
    band = plot_width / count

    def y_of(value: float) -> float:
        return bottom - (value - low) / (high - low) * plot_height

    if chart.unit:
        svg.text(4, top + FONT_SIZE, chart.unit, fill=MUTED)
    for tick, label in zip(ticks, labels, strict=True):
        y = y_of(tick)
        svg.add(
            f'<line x1="{_f(left)}" y1="{_f(y)}" x2="{_f(WIDTH - right)}" y2="{_f(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        svg.text(left - 6, y + FONT_SIZE * 0.35, label, text_anchor="end", fill=MUTED)
    baseline = y_of(max(low, min(0.0, high)))
    svg.add(
        f'<line x1="{_f(left)}" y1="{_f(baseline)}" x2="{_f(WIDTH - right)}" '
        f'y2="{_f(baseline)}" stroke="{AXIS}" stroke-width="1"/>'
    )

    # Category labels: as many as fit side by side, the rest thinned out evenly.
    widest = max((text_width(c, FONT_SIZE) for c in chart.categories), default=0.0)
    step = max(1, math.ceil((widest + 8) / band))
    for index, category in enumerate(chart.categories):
        if index % step:
            continue
        x = left + band * (index + 0.5)
        label = _truncate(category, FONT_SIZE, band * step - 4)
        svg.text(x, bottom + FONT_SIZE + 6, label, text_anchor="middle", fill=INK)

    if chart.kind == "line":
        _draw_lines(chart, svg, left, band, y_of)
    else:
        _draw_columns(chart, svg, left, band, y_of)
    return bottom + FONT_SIZE + 14


def _draw_lines(
    chart: Chart, svg: _Svg, left: float, band: float, y_of: Callable[[float], float]
) -> None:
    for index, series in enumerate(chart.series):
        colour = PALETTE[index % len(PALETTE)]
        points = [
            (left + band * (i + 0.5), y_of(float(v)) if v is not None else None)
            for i, v in enumerate(series.values)
        ]
        # A None breaks the line: each run of figures is its own path.
        runs = [
            list(group)
            for has_value, group in itertools.groupby(points, key=lambda p: p[1] is not None)
            if has_value
        ]
        svg.add(f'<g class="series" data-series="{index}">')
        for run in runs:
            if len(run) > 1:
                path = " ".join(
                    f"{'M' if n == 0 else 'L'}{_f(x)},{_f(y or 0)}" for n, (x, y) in enumerate(run)
                )
                svg.add(
                    f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2.5" '
                    f'stroke-linejoin="round"{_dash(index)}/>'
                )
        for category, value, (x, y) in zip(chart.categories, series.values, points, strict=True):
            if value is not None and y is not None:
                svg.add(_marker(index, x, y, colour, _mark_title(chart, series, category, value)))
        svg.add("</g>")


def _draw_columns(
    chart: Chart, svg: _Svg, left: float, band: float, y_of: Callable[[float], float]
) -> None:
    gap = min(band * 0.2, 16)
    inner = band - gap
    width = inner if chart.stacked else inner / max(len(chart.series), 1)
    stack = [0.0] * len(chart.categories)
    for index, series in enumerate(chart.series):
        colour = PALETTE[index % len(PALETTE)]
        svg.add(f'<g class="series" data-series="{index}">')
        for i, (category, value) in enumerate(zip(chart.categories, series.values, strict=True)):
            if value is None:
                continue
            x = left + band * i + gap / 2 + (0 if chart.stacked else width * index)
            start = stack[i] if chart.stacked else 0.0
            end = start + float(value)
            y_start, y_end = y_of(start), y_of(end)
            if chart.stacked:
                stack[i] = end
            y, height = min(y_start, y_end), abs(y_end - y_start)
            title = _esc(_mark_title(chart, series, category, value))
            svg.add(
                f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(width)}" height="{_f(height)}" '
                f'fill="{colour}" stroke="#FFFFFF" stroke-width="0.75" class="mark">'
                f"<title>{title}</title></rect>"
            )
        svg.add("</g>")


def _render_horizontal(chart: Chart, svg: _Svg, top: float) -> float:
    """Categories down the side (long Thai names), values along the bottom."""
    low, high, ticks = _scale(chart, 5)
    right = 16.0
    widest = max((text_width(c, FONT_SIZE) for c in chart.categories), default=0.0)
    left = min(widest + 12, WIDTH * 0.42)
    show_values = not chart.stacked
    value_room = 44.0 if show_values else 0.0
    plot_width = WIDTH - left - right - value_room
    per_series = 14.0 if not chart.stacked else 18.0
    band = (per_series * (1 if chart.stacked else max(len(chart.series), 1))) + 10
    plot_top = top + 4
    plot_height = band * max(len(chart.categories), 1)
    bottom = plot_top + plot_height

    def x_of(value: float) -> float:
        return left + (value - low) / (high - low) * plot_width

    for tick in ticks:
        x = x_of(tick)
        svg.add(
            f'<line x1="{_f(x)}" y1="{_f(plot_top)}" x2="{_f(x)}" y2="{_f(bottom)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        svg.text(x, bottom + FONT_SIZE + 4, _tick_label(chart, tick), text_anchor="middle")
    zero = x_of(max(low, min(0.0, high)))
    svg.add(
        f'<line x1="{_f(zero)}" y1="{_f(plot_top)}" x2="{_f(zero)}" y2="{_f(bottom)}" '
        f'stroke="{AXIS}" stroke-width="1"/>'
    )
    for i, category in enumerate(chart.categories):
        middle = plot_top + band * (i + 0.5)
        label = _truncate(category, FONT_SIZE, left - 10)
        svg.text(left - 6, middle + FONT_SIZE * 0.35, label, text_anchor="end", fill=INK)

    stack = [0.0] * len(chart.categories)
    for index, series in enumerate(chart.series):
        colour = PALETTE[index % len(PALETTE)]
        svg.add(f'<g class="series" data-series="{index}">')
        for i, (category, value) in enumerate(zip(chart.categories, series.values, strict=True)):
            y = plot_top + band * i + 5 + (0 if chart.stacked else per_series * index)
            if value is None:
                if show_values:  # say "no figure" where the bar would be
                    svg.text(zero + 4, y + per_series / 2 + FONT_SIZE * 0.3, EMPTY_AMOUNT)
                continue
            start = stack[i] if chart.stacked else 0.0
            end = start + float(value)
            if chart.stacked:
                stack[i] = end
            x0, x1 = x_of(start), x_of(end)
            title = _esc(_mark_title(chart, series, category, value))
            svg.add(
                f'<rect x="{_f(min(x0, x1))}" y="{_f(y)}" width="{_f(abs(x1 - x0))}" '
                f'height="{_f(per_series - 2)}" fill="{colour}" stroke="#FFFFFF" '
                f'stroke-width="0.75" class="mark"><title>{title}</title></rect>'
            )
            if show_values:
                svg.text(
                    max(x0, x1) + 4,
                    y + per_series / 2 + FONT_SIZE * 0.3,
                    chart.number(value),
                    font_size=FONT_SIZE - 1,
                    fill=INK,
                )
        svg.add("</g>")
    if chart.unit:
        svg.text(
            WIDTH - right, bottom + FONT_SIZE * 2 + 8, chart.unit, text_anchor="end", fill=MUTED
        )
        return bottom + FONT_SIZE * 2 + 14
    return bottom + FONT_SIZE + 12
