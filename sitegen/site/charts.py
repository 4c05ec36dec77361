"""Chart specs: plain plotly figure dicts (plotly.js reads them as they are) plus a data table.

Plain dicts instead of plotly's graph objects: about 40x cheaper to build,
and without the default template repeated in every figure. Figures stay
compact: a point's link is an index into the chart's own list of links
(`layout.meta.links`), which the page opens on click. The data table holds the
same data, readable without JavaScript: pivoted (one row per x value, one
column per line) where the lines share their x values, else one row per point.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Iterable
from dataclasses import dataclass

from ..imports.origin import Interval
from ..safetext import script_json
from .colours import OKABE_ITO
from .tables import NUMBER, TEXT, Column, Table, num, text

# Lines without a colour of their own take this palette in order (colours.OKABE_ITO).
PALETTE = OKABE_ITO
# Beyond this many points a chart leaves its hover labels out (x and the series name still show).
MAX_LABELLED_POINTS = 240
# A date axis with at most this many run dates ticks each of them: over a few days plotly's own
# ticks fall every twelve hours and print each date twice.
MAX_DATE_TICKS = 8


@dataclass(frozen=True, slots=True)
class Point:
    x: float | str
    y: float | None  # None: a gap, never a zero (an invalid measurement; why in `note`)
    label: str = ""  # shown on hover, e.g. the run id
    href: str = ""  # opened on click (relative to the page)
    note: str = ""  # shown under the value in the data table, e.g. why there is no value
    low: float | None = None  # the value's 95 % interval, drawn as an error bar, where it has one
    high: float | None = None


def with_interval(point: Point, interval: Interval | None) -> Point:
    """The point with an interval (imports/origin.py Interval) drawn as its error bar and said
    under its value in the data table."""
    if interval is None or point.y is None:
        return point
    said = f"95 % CI {interval.low:.4g}–{interval.high:.4g} ({interval.n} {interval.of})"
    note = f"{point.note}; {said}" if point.note else said
    return Point(point.x, point.y, point.label, point.href, note, interval.low, interval.high)


def _error_bars(points: tuple[Point, ...], colour: str) -> dict | None:
    """plotly's error bars of the points that have an interval (none on the others)."""
    if all(p.low is None for p in points):
        return None

    def reach(p: Point, end: float | None) -> float | None:
        return None if end is None or p.y is None else _round(abs(end - p.y))

    return {
        "type": "data",
        "symmetric": False,
        "array": [reach(p, p.high) for p in points],
        "arrayminus": [reach(p, p.low) for p in points],
        "color": colour,
        "thickness": 1.5,
        "width": 4,
    }


@dataclass(frozen=True, slots=True)
class Line:
    name: str
    points: tuple[Point, ...]
    colour: str = ""  # the runtime's colour (site/colours.py); "" takes the palette in line order
    dash: str = "solid"
    order: int = 0  # legend position


@dataclass(frozen=True, slots=True)
class Chart:
    id: str
    title: str
    figure_json: str  # the plotly figure, compact JSON
    table: Table  # the same data, for reading without JavaScript
    points: int
    note: str = ""  # e.g. that only the latest runs are drawn
    values_only: bool = False  # no plot: the values as a table (e.g. one run: no history to draw)


def missing_chart(chart_id: str, title: str, reason: str) -> Chart:
    """A chart that cannot be drawn, saying why (e.g. "no power telemetry in these runs")."""
    return Chart(chart_id, title, "", Table(f"{chart_id}-data", (), ()), 0, reason, values_only=True)


# Values beyond this are left out of a chart (the axis's ticks, 10 ** k, would overflow near
# 1e308); catalog/validity.py already flags such a result invalid, far below it.
DRAWABLE = 1e300
BEYOND_DRAWABLE = "beyond what a chart can draw"


def _drawable_lines(lines: list[Line]) -> tuple[list[Line], int]:
    """The lines with every value beyond DRAWABLE left out (a y as a gap with a note, a point
    whose x is beyond it dropped), and how many were left out."""
    left_out = 0
    kept_lines = []
    for line in lines:
        points = []
        for p in line.points:
            if isinstance(p.x, float | int) and not abs(p.x) <= DRAWABLE:
                left_out += 1
                continue
            if p.y is not None and not abs(p.y) <= DRAWABLE:
                left_out += 1
                p = Point(p.x, None, p.label, p.href, BEYOND_DRAWABLE)
            points.append(p)
        kept_lines.append(Line(line.name, tuple(points), line.colour, line.dash, line.order))
    return kept_lines, left_out


def _with_left_out(note: str, left_out: int) -> str:
    if not left_out:
        return note
    said = f"{left_out} value{'s' if left_out != 1 else ''} {BEYOND_DRAWABLE} left out."
    return f"{note} {said}" if note else said


# A value axis turns logarithmic when one series spans more than this factor: one slow runtime
# would otherwise flatten every other line against the axis.
LOG_SPAN = 10.0


def _value_axis(values: list[float | None]) -> dict:
    """The value axis's type: logarithmic past LOG_SPAN, with ticks at 1, 2 and 5 times powers
    of ten written in full (plotly's own log ticks print "2 3 4 ... 1000")."""
    finite = [v for v in values if v is not None]
    if len(finite) < 2 or min(finite) <= 0 or max(finite) / min(finite) <= LOG_SPAN:
        return {"rangemode": "tozero"}
    low, high = min(finite), max(finite)
    ticks = [
        m * 10.0**k
        for k in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
        for m in (1, 2, 5)
        if low / 1.5 <= m * 10.0**k <= high * 1.5
    ]
    return {"type": "log", "tickvals": ticks, "ticktext": [f"{t:,.10g}" for t in ticks]}


def _safe(text: str) -> str:
    """User text for plotly: it reads names and labels as a small subset of HTML, entities included."""
    if "&" in text or "<" in text or ">" in text:
        return html.escape(text, quote=False)
    return text  # most labels: a run's name, a runtime's, a number with its unit


LEGEND_ROW = 22  # pixels a row of a chart's legend takes

SIGNIFICANT = 3  # digits every value of a chart's table and hover keeps, the smallest included
MAX_DECIMALS = 6


def significant_format(values: Iterable[float | None]) -> str:
    """A fixed-point format (Python's and d3's alike) with enough decimals for the chart's
    smallest non-zero value to keep three significant digits: energy per token of 0.093 and
    0.112 J read "0.0930" and "0.112", never both "0.1"."""
    magnitudes = [abs(v) for v in values if v is not None and v != 0 and math.isfinite(v)]
    if not magnitudes:
        return ".1f"
    decimals = SIGNIFICANT - 1 - math.floor(math.log10(min(magnitudes)))
    return f",.{min(MAX_DECIMALS, max(0, decimals))}f"


def _round(y: float | None) -> float | None:
    # Six significant digits: more than a chart can show, fewer bytes than repr(). None is a gap.
    return None if y is None else float(f"{y:.6g}")


def line_chart(
    chart_id: str,
    title: str,
    lines: list[Line],
    *,
    x_title: str,
    y_title: str,
    x_kind: str = "linear",
    y_format: str | None = ".1f",
    note: str = "",
    hover_text: bool = False,
    frontier: tuple[Point, ...] = (),
    x_shared: bool = True,
    x_format: str = "g",
    series_title: str = "Line",
    legend_rows: int = 0,
) -> Chart:
    """One trace per line; x is a date string, a category or a number.

    `hover_text`: the hover shows each point's label alone (its lines split by "\n"), which
    then says everything, units included. `frontier`: points drawn as a dashed "Pareto
    frontier" line over the others. `x_shared`: the lines share their x values (run dates,
    concurrency levels), and the data table has a row per x value and a column per line.
    Off where x is measured (interactivity, p99 TTFT): no two lines meet at one x, and the
    table has a row per point instead, naming its line (`series_title`) and its result (its
    label's first line). `x_format`: how the table writes x; `y_format`: how the table and the
    hover write y (None: three significant digits for the smallest value). `legend_rows`: rows
    the legend is expected to wrap to, each adding to the chart's height so that the plot keeps
    its own (a chart of a dozen lines).
    """
    lines, left_out = _drawable_lines(lines)
    if y_format is None:
        y_format = significant_format(p.y for line in lines for p in line.points)
    note = _with_left_out(note, left_out)
    frontier = tuple(p for p in frontier if abs(p.y or 0) <= DRAWABLE and abs(float(p.x)) <= DRAWABLE)
    links: list[str] = []
    link_index: dict[str, int] = {}
    # Hover labels name what x does not already say; many long labels would make pages heavy.
    informative = any(_says_more(p) for line in lines for p in line.points)
    labelled = hover_text or (informative and sum(len(line.points) for line in lines) <= MAX_LABELLED_POINTS)
    traces = []
    lines = sorted(lines, key=lambda line: line.order)  # legend position: the runtime's, everywhere
    for i, line in enumerate(lines):
        custom = []
        for p in line.points:
            if p.href and p.href not in link_index:
                link_index[p.href] = len(links)
                links.append(p.href)
            custom.append(link_index.get(p.href, -1))
        if hover_text:
            above, texts = "%{text}<extra></extra>", [_label_lines(p) for p in line.points]
        else:
            above, texts = _labels_above_x(line) if labelled else ("", None)
            above += f"{_safe(x_title)}: %{{x}}<br>{_safe(y_title)}: %{{y:{y_format}}}<extra></extra>"
        trace = {
            "type": "scatter",
            "mode": "lines+markers",
            "name": _safe(line.name),
            "x": [p.x for p in line.points],
            "y": [_round(p.y) for p in line.points],
            "customdata": custom,
            "hovertemplate": "<b>%{fullData.name}</b><br>" + above,
            "marker": {"color": line.colour or PALETTE[i % len(PALETTE)], "size": 7},
            "line": {"color": line.colour or PALETTE[i % len(PALETTE)], "width": 2, "dash": line.dash},
            "legendrank": 1000 + line.order,
        }
        if texts is not None:
            trace["text"] = texts
        bars = _error_bars(line.points, line.colour or PALETTE[i % len(PALETTE)])
        if bars is not None:
            trace["error_y"] = bars
        traces.append(trace)
    if frontier:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Pareto frontier",
                "x": [p.x for p in frontier],
                "y": [_round(p.y) for p in frontier],
                "line": {"color": "#6e7781", "width": 2, "dash": "dash"},
                "hoverinfo": "skip",
                "legendrank": 999,
            }
        )
    axis_x: dict = {"title": {"text": x_title}, "automargin": True}
    if x_kind == "log2":
        axis_x |= {
            "type": "log",
            "tickvals": sorted({p.x for ln in lines for p in ln.points}),
            "dtick": 0.30103,
        }
    elif x_kind == "date":
        axis_x |= {"type": "date", "tickformat": "%Y-%m-%d"}
        dates = sorted({p.x for ln in lines for p in ln.points if p.x})
        if len(dates) <= MAX_DATE_TICKS:
            axis_x |= {"tickvals": dates} | _padded_range(dates)
    y_axis = _value_axis([_round(p.y) for line in lines for p in line.points])
    layout = _layout(axis_x, y_title, showlegend=True, y_axis=y_axis) | {"meta": {"links": links}}
    if legend_rows:
        layout["height"] += LEGEND_ROW * legend_rows
    figure = {"data": traces, "layout": layout}
    return Chart(
        chart_id,
        title,
        _dump(figure),
        _pivot(chart_id, lines, x_title, x_format, y_format)
        if x_shared
        else _points_table(chart_id, lines, series_title, x_title, y_title, x_format, y_format),
        sum(1 for line in lines for p in line.points if p.y is not None),
        note,
    )


def bar_chart(
    chart_id: str,
    title: str,
    bars: list[Point],
    *,
    x_title: str,
    y_title: str,
    y_format: str = ".1f",
    colours: list[str] | None = None,
) -> Chart:
    """One bar per point (x is a category, e.g. a runtime name); `colours`: one per bar."""
    (line,), left_out = _drawable_lines([Line("", tuple(bars))])
    bars = list(line.points)
    links = sorted({p.href for p in bars if p.href})
    figure = {
        "data": [
            {
                "type": "bar",
                "x": [_safe(str(p.x)) for p in bars],
                "y": [_round(p.y) for p in bars],
                "text": [_safe(p.label) for p in bars],
                "textposition": "none",
                "customdata": [links.index(p.href) if p.href else -1 for p in bars],
                "hovertemplate": f"<b>%{{x}}</b><br>%{{text}}<br>{_safe(y_title)}: %{{y:{y_format}}}<extra></extra>",
                "marker": {"color": colours or [PALETTE[i % len(PALETTE)] for i in range(len(bars))]},
            }
            | ({"error_y": errors} if (errors := _error_bars(tuple(bars), "#6e7781")) else {})
        ],
        "layout": _layout(
            {"title": {"text": x_title}, "automargin": True, "type": "category"},
            y_title,
            showlegend=False,
            y_axis=_value_axis([_round(p.y) for p in bars]),
        )
        | {"meta": {"links": links}},
    }
    rows = tuple((text(str(p.x)), num(p.y, "{:" + y_format + "}", note=p.note), text(p.label)) for p in bars)
    table = Table(
        f"{chart_id}-data",
        (Column("x", x_title, TEXT), Column("y", y_title), Column("source", "Source", TEXT)),
        rows,
    )
    return Chart(chart_id, title, _dump(figure), table, len(bars), _with_left_out("", left_out))


def _padded_range(dates: list[float | str]) -> dict:
    """A date axis's range with an eighth of its span on either side: the first and last ticks
    sit at the plot's edges, and on a phone plotly hides a label that would run off them."""
    try:
        first, last = dt.datetime.fromisoformat(str(dates[0])), dt.datetime.fromisoformat(str(dates[-1]))
    except ValueError:  # not dates: plotly's own range
        return {}
    pad = (last - first) / 8
    if not pad:
        return {}
    return {"range": [(first - pad).isoformat(sep=" "), (last + pad).isoformat(sep=" ")]}


def _layout(axis_x: dict, y_title: str, *, showlegend: bool, y_axis: dict) -> dict:
    return {
        "xaxis": axis_x,
        "yaxis": {"title": {"text": y_title}, "automargin": True} | y_axis,
        "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
        "height": 340,
        "hovermode": "closest",
        "showlegend": showlegend,
        # Above the plot, where no axis title can run into it.
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }


def _label_lines(point: Point) -> str:
    """A point's label as hover text: its lines (escaping leaves line breaks as they are)."""
    return _safe(point.label).replace("\n", "<br>")


def _says_more(point: Point) -> bool:
    """Whether a point's label tells more than its x (a run folder named by its date does not)."""
    return point.label not in ("", str(point.x))


def _labels_above_x(line: Line) -> tuple[str, list[str] | None]:
    """The start of a line's hover template and its points' texts: each label that says more
    than x (a titled run, a flagged one) on a line above x's; none that only repeats x (a run
    folder named by its date). Where every point's label says more, the template holds the
    line break once; else each such label brings its own."""
    says_more = [_says_more(p) for p in line.points]
    if not any(says_more):
        return "", None
    if all(says_more):
        return "%{text}<br>", [_label_lines(p) for p in line.points]
    return "%{text}", [
        _label_lines(p) + "<br>" if more else "" for p, more in zip(line.points, says_more, strict=True)
    ]


def _pivot(chart_id: str, lines: list[Line], x_title: str, x_format: str, y_format: str) -> Table:
    """One row per x value, one column per line. Where a line has two points at one x (two runs
    on one date), rows are per x and point label, so that both are listed."""
    shared = any(len({p.x for p in line.points}) < len(line.points) for line in lines)
    if shared:
        return _pivot_by_label(chart_id, lines, x_title, y_format)
    xs = sorted({p.x for line in lines for p in line.points}, key=lambda x: (isinstance(x, str), x))
    values = [{p.x: p.y for p in line.points} for line in lines]
    notes = [{p.x: p.note for p in line.points if p.note} for line in lines]
    numeric_x = bool(xs) and not isinstance(xs[0], str)
    columns = (Column("x", x_title, NUMBER if numeric_x else TEXT),) + tuple(
        Column(f"s{i}", line.name) for i, line in enumerate(lines)
    )
    x_fmt, y_fmt = "{:" + x_format + "}", "{:" + y_format + "}"
    rows = tuple(
        (num(x, x_fmt) if numeric_x else text(str(x)),)
        + tuple(num(v.get(x), y_fmt, note=n.get(x, "")) for v, n in zip(values, notes, strict=True))
        for x in xs
    )
    return Table(f"{chart_id}-data", columns, rows)


def _pivot_by_label(chart_id: str, lines: list[Line], x_title: str, y_format: str) -> Table:
    """`_pivot` with a row per (x, label): the x cell names the point too ("2026-03-01 · run b")."""

    def key(p: Point) -> tuple:
        return (str(p.x), p.label.split("\n", 1)[0])

    keys = sorted({key(p) for line in lines for p in line.points})
    values = [{key(p): p.y for p in line.points} for line in lines]
    notes = [{key(p): p.note for p in line.points if p.note} for line in lines]
    columns = (Column("x", x_title, TEXT),) + tuple(
        Column(f"s{i}", line.name) for i, line in enumerate(lines)
    )
    y_fmt = "{:" + y_format + "}"
    rows = tuple(
        (text(f"{x} · {label}" if label and label != x else x),)
        + tuple(
            num(v.get((x, label)), y_fmt, note=n.get((x, label), ""))
            for v, n in zip(values, notes, strict=True)
        )
        for x, label in keys
    )
    return Table(f"{chart_id}-data", columns, rows)


def _points_table(
    chart_id: str,
    lines: list[Line],
    series_title: str,
    x_title: str,
    y_title: str,
    x_format: str,
    y_format: str,
) -> Table:
    """One row per point, in legend order: its line, its result (the label's first line), x and
    y, and under y its note (e.g. its validity flag)."""
    x_fmt, y_fmt = "{:" + x_format + "}", "{:" + y_format + "}"
    columns = (
        Column("series", series_title, TEXT),
        Column("result", "Result", TEXT),
        Column("x", x_title),
        Column("y", y_title),
    )
    rows = tuple(
        (
            text(line.name),
            text(p.label.split("\n", 1)[0]),
            text(p.x) if isinstance(p.x, str) else num(p.x, x_fmt),
            num(p.y, y_fmt, note=p.note),
        )
        for line in lines
        for p in line.points
    )
    return Table(f"{chart_id}-data", columns, rows)


def _dump(figure: dict) -> str:
    # Compact, keys in the order built (fixed: byte-identical output); safe inside its script
    # element; no NaN or Infinity.
    return script_json(figure)
