"""A chart's SVG and data table as markup, every text escaped (``html.escape``, quotes included).

Written here rather than in the page's template: a 90-day chart has thousands of marks and table
cells, and the template engine's loops (or ``format_html`` on each of them) cost several times the
rest of the page (its server time is bounded, see bench/insights.py).
"""

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from insights.selectors import ROW_H, Chart, Mark, Row, TableCell


def _n(value: float) -> str:
    """A coordinate in SVG units: at most one decimal, a dot whatever the page's language."""
    return f"{value:.1f}".removesuffix(".0")


def _label(text: str, length: int = 28) -> str:
    return escape(Truncator(text).chars(length))


def _mark(chart: Chart, mark: Mark) -> str:
    if chart.kind == "dots":
        shape = f'<circle cx="{_n(mark.x)}" cy="{_n(mark.y)}" r="6"/>'
    else:
        shape = (f'<rect class="{f"heat-{mark.level}" if mark.level else "bar"}" x="{_n(mark.x)}" y="{_n(mark.y)}" '
                 f'width="{_n(mark.width)}" height="{_n(mark.height)}"/>')
        if chart.kind == "matrix":
            shape += (f'<text class="cell-count" x="{_n(mark.x + mark.width / 2)}" '
                      f'y="{_n(mark.y + mark.height / 2 + 4)}">{mark.count}</text>')
    return f'<a class="mark" href="{escape(mark.href)}" tabindex="-1"><title>{escape(mark.title)}</title>{shape}</a>'


def _row(chart: Chart, row: Row) -> str:
    y = _n(row.y + ROW_H / 2 + 4)
    label = _label(row.label)
    if row.href:
        label = (f'<a href="{escape(row.href)}" tabindex="-1"><title>{escape(row.label)}: {row.total}</title>'
                 f"{label}</a>")
    parts = [f'<g class="row"><text class="row-label" x="0" y="{y}">{label}</text>']
    parts += [_mark(chart, mark) for mark in row.marks]
    if chart.kind in ("time", "bars"):
        parts.append(f'<text class="row-total" x="{_n(chart.width - 4)}" y="{y}">'
                     f'{escape(f"{row.total} ({row.note})" if row.note else str(row.total))}</text>')
    parts.append("</g>")
    return "".join(parts)


def chart_svg(chart: Chart) -> SafeString:
    """The chart as an SVG group named by its heading and described by its description; each mark a
    link (out of the tab order: the data table below has the same links for the keyboard)."""
    top = _n(chart.top - 6)
    columns = "".join(f'<text class="column-label" x="{_n(x)}" y="{top}" transform="rotate(-45 {_n(x)} {top})">'
                      f"{_label(label, 24)}</text>" for label, x in chart.columns)
    width, height, slug = _n(chart.width), _n(chart.height), escape(chart.slug)
    return mark_safe(  # noqa: S308 - every text above is escaped
        f'<svg class="chart chart-{escape(chart.kind)}" role="group" aria-labelledby="chart-{slug}-title" '
        f'aria-describedby="chart-{slug}-description" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}">{columns}{"".join(_row(chart, row) for row in chart.rows)}</svg>')


def _cell(cell: TableCell) -> str:
    return f'<a href="{escape(cell.href)}">{escape(cell.text)}</a>' if cell.href else escape(cell.text)


def _number(cell: TableCell) -> str:
    return f'<td class="num">{_cell(cell)}</td>'


def chart_table(chart: Chart) -> SafeString:
    """The chart's numbers as a table: a header row, then one row per line of data (its first cell a header)."""
    head = "".join(f'<th scope="col">{escape(name)}</th>' for name in chart.head)
    body = "".join(f'<tr><th scope="row">{_cell(first)}</th>{"".join(_number(c) for c in rest)}</tr>'
                   for first, *rest in chart.table)
    return mark_safe(  # noqa: S308 - every text above is escaped
        f'<table class="articles"><caption>{escape(chart.title)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>")
