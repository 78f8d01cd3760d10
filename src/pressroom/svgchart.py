"""Charts as SVG, drawn in pure Python: one designed SVG string per chart for the brochure (WeasyPrint) and
the web edition, plus the words and table a reader who cannot see it gets instead.

Every number is a real <text> element (so it is in the PDF's text), every colour is explicit, and the same
chart always gives the same string. Sizes are in points: the viewBox is the chart's size in pt, so an 8 pt
label prints at 8 pt when the chart is shown at its width in mm."""

from __future__ import annotations

import functools
import math
import unicodedata
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from . import model as m

# primary, accent, deep, muted, soft teal, sand: the brochure theme's colours (templates/brochure/brochure.css)
DEFAULT_PALETTE = ("#0e6b70", "#d9693f", "#0a4f53", "#5b6777", "#7fb8b3", "#e0b48a")

INK = "#1f2a37"
MUTED = "#5b6777"
GRID = "#dde5e5"
BASELINE = "#8c99a6"
WHITE = "#ffffff"

KIND_NAMES = {"bar": "Column chart", "stacked-bar": "Stacked column chart", "line": "Line chart",
              "pie": "Pie chart", "donut": "Donut chart"}

PT_PER_MM = 72 / 25.4
PAD = 4.0
TITLE_SIZE = 9.5
AXIS_SIZE = 7.0
VALUE_SIZE = 6.5
LEGEND_SIZE = 7.0
NOTE_SIZE = 6.0
SAMPLE_NOTE = "Sample data: the numbers are invented."


@dataclass(frozen=True)
class ChartWords:
    """The words a chart prints around its numbers, in the document's language (from the catalogue), and
    how it writes the numbers: the language's separators and percent sign, in the digits of the setting."""

    source: str = "Source"
    sample: str = SAMPLE_NOTE
    lang: str = "en"
    digits: str = "latin"
    kinds: tuple[tuple[str, str], ...] = tuple(KIND_NAMES.items())  # each kind's name, for the alt text
    total: str = "total"
    comma: str = ", "
    semicolon: str = "; "
    colon: str = ": "  # French puts a no-break space before it

    @classmethod
    def from_catalogue(cls, words: dict, lang: str = "en", digits: str = "latin") -> "ChartWords":
        kinds = tuple((kind, words.get("chart_" + kind.replace("-", "_"), name)) for kind, name in KIND_NAMES.items())
        return cls(words.get("chart_source", cls.source), words.get("chart_sample", cls.sample), lang, digits,
                   kinds, words.get("chart_total", cls.total), words.get("list_comma", cls.comma),
                   words.get("list_semicolon", cls.semicolon), words.get("list_colon", cls.colon))

    def source_line(self, source: str) -> str:
        """The chart's source as its note says it ("Source: …")."""
        return f"{self.source}{self.colon}{source.strip()}"

    def kind_name(self, kind: str) -> str:
        return dict(self.kinds).get(kind, "Chart")

    def number(self, value: float) -> str:
        """A number as printed: the language's separators, at most six decimals, no trailing zeros
        ("1,200" and "12.5"; "1 200" and "12,5" in French; "١٬٢٠٠" with Arabic-Indic digits)."""
        return _formats(self.lang, self.digits).number(_six_places(value), "#,##0.######")

    def percent(self, value: float) -> str:
        """`value` percent, as the language writes it ("12.5%", "12,5 %", "١٢٫٥٪")."""
        return _formats(self.lang, self.digits).percent(_six_places(value).scaleb(-2))

    def share(self, share: float) -> str:
        """A share of 100 as printed: whole percents, one decimal below 1% ("45%", "0.4%")."""
        return self.percent(round(share, 1) if 0 < share < 1 else round(share))

    def value(self, value: float, percent: bool) -> str:
        """A value of a chart whose unit is "%" (`percent`) or another."""
        return self.percent(value) if percent else self.number(value)


ENGLISH = ChartWords()

# Advance widths of Noto Sans Regular, in thousandths of an em, for U+0020 to U+007E: enough to lay out
# labels without reading a font file (bold is about 6% wider; other characters are guessed).
_WIDTHS = (
    260, 269, 408, 646, 572, 831, 732, 225, 300, 300, 551, 572, 268, 322, 268, 372, 572, 572, 572, 572,
    572, 572, 572, 572, 572, 572, 268, 268, 572, 572, 572, 434, 899, 639, 650, 632, 730, 556, 519, 728,
    741, 339, 273, 619, 524, 907, 760, 781, 605, 781, 622, 549, 556, 731, 600, 930, 586, 566, 572, 329,
    372, 329, 572, 444, 281, 561, 615, 480, 615, 564, 344, 615, 618, 258, 258, 534, 258, 935, 618, 605,
    615, 615, 413, 479, 361, 618, 508, 786, 529, 510, 470, 380, 551, 380, 572,
)


# numbers and words ----------------------------------------------------------------


def format_number(value: float) -> str:
    """A number as printed in English: thousands separators, at most six decimals, no trailing zeros ("1,200",
    "12.5"); see ChartWords.number."""
    return ENGLISH.number(value)


def _six_places(value: float):
    """`value` as a decimal rounded to six places (no float error shows, no "-0")."""
    from decimal import Decimal

    rounded = Decimal(f"{value:.6f}")
    return rounded if rounded else Decimal(0)  # no "-0"


@functools.lru_cache(maxsize=8)
def _formats(lang: str, digits: str):
    from .labels import Formats

    return Formats(lang, digits)


def shares(values) -> list[float]:
    """Each value as a percentage of their total (all zero when the total is zero)."""
    total = sum(values)
    return [value * 100 / total if total else 0.0 for value in values]


def alt_text(chart: m.Chart, words: ChartWords = ENGLISH) -> str:
    """What the chart says, in words: its description, or a sentence that reads out every number."""
    if chart.description:
        text = chart.description.strip()
    else:
        text = _describe(chart, words)
    if chart.sample and words.sample not in text:
        text += " " + words.sample
    return text


def _describe(chart: m.Chart, words: ChartWords = ENGLISH) -> str:
    unit = f" ({chart.unit})" if chart.unit else ""
    labels, words = words, [f"{words.kind_name(chart.kind)}{words.colon}{chart.title}{unit}."]
    if chart.kind in ("pie", "donut"):
        series = chart.series[0]
        parts = [f"{name} {labels.number(value)} ({labels.share(share)})"
                 for name, value, share in zip(chart.categories, series.values, shares(series.values))]
        parts.append(f"{labels.total} {labels.number(sum(series.values))}")
        words.append(f"{series.name}{labels.colon}" + labels.semicolon.join(parts) + ".")
    elif len(chart.series) == 1:
        series = chart.series[0]
        parts = [f"{name} {labels.number(value)}" for name, value in zip(chart.categories, series.values)]
        words.append(f"{series.name}{labels.colon}" + labels.semicolon.join(parts) + ".")
    else:
        for index, category in enumerate(chart.categories):
            values = [s.values[index] for s in chart.series]
            parts = labels.comma.join(f"{s.name} {labels.number(v)}" for s, v in zip(chart.series, values))
            total = f" ({labels.total} {labels.number(sum(values))})" if chart.kind == "stacked-bar" else ""
            words.append(f"{category}{labels.colon}{parts}{total}.")
    if chart.source:
        words.append(labels.source_line(chart.source).rstrip(".") + ".")
    return " ".join(words)


def data_table_rows(chart: m.Chart, words: ChartWords = ENGLISH) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """The chart as a table (headers, rows): a category column, then one column of formatted numbers per
    series drawn (pie and donut charts draw the first series only); the unit is named in the headers."""
    series = chart.series[:1] if chart.kind in ("pie", "donut") else chart.series
    unit = f" ({chart.unit})" if chart.unit else ""
    headers = ("Category", *(f"{s.name}{unit}" for s in series))
    rows = tuple((category, *(words.number(s.values[i]) for s in series))
                 for i, category in enumerate(chart.categories))
    return headers, rows


def nice_ticks(low: float, high: float, max_ticks: int = 5) -> list[float]:
    """Round axis ticks covering low..high: the closest "nice numbers" (1, 2 or 5 times a power of ten apart,
    as in Heckbert's algorithm) that need no more than `max_ticks` ticks."""
    if low > high:
        low, high = high, low
    if low == high:
        low, high = (0.0, 1.0) if low == 0 else (min(0.0, low), max(0.0, high))
    exponent = math.floor(math.log10((high - low) / max(max_ticks - 1, 1)))
    for step in (f * 10.0**e for e in (exponent, exponent + 1) for f in (1, 2, 5)):
        first = math.floor(low / step + 1e-9)
        last = math.ceil(high / step - 1e-9)
        if last - first + 1 <= max(max_ticks, 2):
            break
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return [round(i * step, decimals) + 0.0 for i in range(first, last + 1)]


# text layout --------------------------------------------------------------------


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of `text` set in Noto Sans at `size` (close enough to decide what fits)."""
    total = 0
    for char in text:
        code = ord(char)
        if 32 <= code < 127:
            total += _WIDTHS[code - 32]
        elif unicodedata.combining(char):
            continue
        else:
            total += 1000 if unicodedata.east_asian_width(char) in "WF" else 600
    return total * size / 1000 * (1.06 if bold else 1.0)


def ellipsize(text: str, size: float, width: float, bold: bool = False) -> str:
    """`text`, cut short with an ellipsis if it is wider than `width`."""
    if text_width(text, size, bold) <= width + 0.01:
        return text
    while text and text_width(text + "\u2026", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026" if text else ""


def wrap(text: str, size: float, width: float, max_lines: int, bold: bool = False) -> list[str]:
    """`text` broken at spaces into at most `max_lines` lines of `width`; the last one cut short if need be."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size, bold) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    lines = lines or [""]
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [ellipsize(" ".join(lines[max_lines - 1:]), size, width, bold)]
    return lines


def text_colour_on(fill: str) -> str:
    """White or ink, whichever reads better on `fill` (a #rrggbb colour)."""
    try:
        channels = [int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    except ValueError:
        return INK
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return WHITE if luminance < 0.3 else INK


# drawing ------------------------------------------------------------------------


def _n(x: float) -> str:
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def needs_shaping(text: str) -> bool:
    """Whether `text` must be shaped as a whole to be read: right-to-left letters (Arabic, Hebrew, ...),
    combining marks (Indic vowel signs, harakat) or joiners. The PDF renderer draws SVG text one character
    at a time, which leaves Arabic letters unjoined and in reverse order; such text is laid out in HTML."""
    for char in text:
        if unicodedata.bidirectional(char) in ("R", "AL") or unicodedata.category(char) in ("Mn", "Mc"):
            return True
        if char in "\u200c\u200d":
            return True
    return False


def is_rtl(text: str) -> bool:
    """Whether the first letter of `text` with a strong direction runs right to left."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


@dataclass(frozen=True)
class Label:
    """A text of the chart left out of its SVG, for the HTML around it to lay over it: `x` and `y` (its
    baseline) in points from the top left of the chart, which is `width` by `height` points; `anchor` as
    SVG's text-anchor (start is the left)."""

    width: float
    height: float
    x: float
    y: float
    text: str
    size: float
    fill: str
    anchor: str
    bold: bool


class Drawing:
    """The SVG elements of one chart, in painting order, with the chart's size in points. With
    `html_text`, text that needs shaping (see needs_shaping) is kept in `labels` instead of the SVG."""

    def __init__(self, width: float, height: float, html_text: bool = False):
        self.width = width
        self.height = height
        self.parts: list[str] = []
        self.html_text = html_text
        self.labels: list[Label] = []

    def text(self, x, y, text, *, size, fill=INK, anchor="start", bold=False):
        if self.html_text and needs_shaping(text):
            self.labels.append(Label(self.width, self.height, x, y, text, size, fill, anchor, bold))
            return
        weight = ' font-weight="bold"' if bold else ""
        direction = ""
        if is_rtl(text):  # right to left from its start, which then is the right: the anchor is mirrored
            direction = ' direction="rtl"'
            anchor = {"start": "end", "end": "start"}.get(anchor, anchor)
        anchor = f' text-anchor="{anchor}"' if anchor != "start" else ""
        self.parts.append(f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}"{weight}{anchor}{direction} '
                          f'fill={quoteattr(fill)}>{escape(text)}</text>')

    def rect(self, x, y, width, height, fill, stroke=None):
        line = f" stroke={quoteattr(stroke)} stroke-width=\"0.6\"" if stroke else ""
        self.parts.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
                          f'fill={quoteattr(fill)}{line}/>')

    def line(self, x1, y1, x2, y2, stroke, width=0.5):
        self.parts.append(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
                          f'stroke={quoteattr(stroke)} stroke-width="{_n(width)}"/>')

    def path(self, d, *, fill="none", stroke=None, width=None, extra=""):
        line = f" stroke={quoteattr(stroke)} stroke-width=\"{_n(width)}\"" if stroke else ""
        self.parts.append(f'<path d="{d}" fill={quoteattr(fill)}{line}{extra}/>')

    def circle(self, cx, cy, r, fill, stroke=None, width=0.8):
        line = f" stroke={quoteattr(stroke)} stroke-width=\"{_n(width)}\"" if stroke else ""
        self.parts.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill={quoteattr(fill)}{line}/>')


def render_svg(chart: m.Chart, *, width_mm: float = 150, height_mm: float = 85,
               palette: tuple[str, ...] = DEFAULT_PALETTE, font_family: str = "Noto Sans, sans-serif",
               title_id: str | None = None, words: ChartWords = ENGLISH) -> str:
    """The chart as an SVG element (no XML declaration: it can be inlined in HTML, and stands alone too).
    `title_id` gives the <title> and <desc> ids (`title_id`, `title_id`-desc) that aria attributes name."""
    svg, _ = render_svg_and_labels(chart, width_mm=width_mm, height_mm=height_mm, palette=palette,
                                   font_family=font_family, title_id=title_id, words=words)
    return svg


def render_svg_and_labels(chart: m.Chart, *, width_mm: float = 150, height_mm: float = 85,
                          palette: tuple[str, ...] = DEFAULT_PALETTE, font_family: str = "Noto Sans, sans-serif",
                          title_id: str | None = None, words: ChartWords = ENGLISH,
                          html_text: bool = False) -> tuple[str, list[Label]]:
    """The chart as an SVG element and, with `html_text`, the texts that need shaping, left out of the SVG
    for HTML to lay over it (the PDF renderer would draw them letter by letter; see needs_shaping)."""
    check_chart(chart)
    if not palette:
        raise ValueError("the chart palette is empty: give at least one colour")
    drawing = Drawing(width_mm * PT_PER_MM, height_mm * PT_PER_MM, html_text)
    top = _draw_header(drawing, chart, palette)
    bottom = _draw_footer(drawing, chart, words)
    if chart.kind in ("pie", "donut"):
        _draw_pie(drawing, chart, palette, top, bottom, words)
    else:
        _draw_columns_or_lines(drawing, chart, palette, top, bottom, words)
    return _markup(drawing, chart, width_mm, height_mm, font_family, title_id, words), drawing.labels


def check_chart(chart: m.Chart) -> None:
    """Raise ValueError, naming the chart and the bad value, if the chart cannot be drawn."""
    where = f"chart {chart.title!r}"
    if chart.kind not in m.CHART_KINDS:
        raise ValueError(f"{where}: kind {chart.kind!r} is not one of {', '.join(m.CHART_KINDS)}")
    if not chart.categories or not chart.series:
        raise ValueError(f"{where}: needs at least one category and one series")
    for series in chart.series:
        if len(series.values) != len(chart.categories):
            raise ValueError(f"{where}: series {series.name!r} has {len(series.values)} values for "
                             f"{len(chart.categories)} categories")
        for value in series.values:
            if not math.isfinite(value):
                raise ValueError(f"{where}: series {series.name!r} has the value {value!r}")
    if chart.kind in ("pie", "donut") and any(v < 0 for v in chart.series[0].values):
        raise ValueError(f"{where}: a {chart.kind} chart cannot show negative values")


def _markup(drawing: Drawing, chart: m.Chart, width_mm, height_mm, font_family, title_id,
            words: ChartWords = ENGLISH) -> str:
    labelled = ""
    title_attr = desc_attr = ""
    if title_id:
        labelled = f" aria-labelledby={quoteattr(title_id)} aria-describedby={quoteattr(title_id + '-desc')}"
        title_attr = f" id={quoteattr(title_id)}"
        desc_attr = f" id={quoteattr(title_id + '-desc')}"
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width_mm)}mm" height="{_n(height_mm)}mm" '
            f'viewBox="0 0 {_n(drawing.width)} {_n(drawing.height)}" role="img"{labelled} '
            f'class={quoteattr("chart chart-" + chart.kind)} font-family={quoteattr(font_family)}>')
    body = "\n".join(drawing.parts)
    return (f"{head}\n<title{title_attr}>{escape(chart.title)}</title>\n"
            f"<desc{desc_attr}>{escape(alt_text(chart, words))}</desc>\n{body}\n</svg>\n")


def slice_colour(palette, index: int, count: int) -> str:
    """The colour of slice `index` of `count`: the palette in turn."""
    colour = palette[index % len(palette)]
    # a pie's last slice touches its first: never give them the same colour
    if count > 1 and index == count - 1 and colour == palette[0] and len(palette) > 2:
        colour = palette[(index + 1) % len(palette)]
    return colour


def _draw_header(drawing: Drawing, chart: m.Chart, palette) -> float:
    """The title and, for columns and lines with several series, the legend; returns where they end."""
    y = PAD
    for line in wrap(chart.title, TITLE_SIZE, drawing.width - 2 * PAD, 2, bold=True):
        y += TITLE_SIZE * 1.2
        drawing.text(PAD, y - TITLE_SIZE * 0.25, line, size=TITLE_SIZE, bold=True)
    y += 4
    if chart.kind in ("pie", "donut") or len(chart.series) < 2:
        return y
    x, row_height = PAD, LEGEND_SIZE * 1.6
    y += row_height / 2
    for index, series in enumerate(chart.series):
        name = ellipsize(series.name, LEGEND_SIZE, drawing.width - 2 * PAD - 12)
        item = 11 + text_width(name, LEGEND_SIZE)
        if x > PAD and x + item > drawing.width - PAD:
            x, y = PAD, y + row_height
        colour = palette[index % len(palette)]
        if chart.kind == "line":
            drawing.line(x, y, x + 8, y, colour, 1.75)
            drawing.circle(x + 4, y, 2, colour, WHITE, 0.6)
        else:
            drawing.rect(x, y - 3.5, 7, 7, colour)
        drawing.text(x + 11, y + LEGEND_SIZE * 0.35, name, size=LEGEND_SIZE, fill=INK)
        x += item + 10
    return y + row_height / 2 + 2


def _draw_footer(drawing: Drawing, chart: m.Chart, words: ChartWords = ENGLISH) -> float:
    """The source and the sample-data note along the bottom; returns where the chart above them ends."""
    if not chart.source and not chart.sample:
        return drawing.height - PAD
    right = drawing.width - PAD
    if chart.sample:
        drawing.text(right, drawing.height - PAD - 1, words.sample, size=NOTE_SIZE, fill=MUTED, anchor="end",
                     bold=True)
        right -= text_width(words.sample, NOTE_SIZE, bold=True) + 8
    lines = wrap(words.source_line(chart.source), NOTE_SIZE, right - PAD, 2) if chart.source else []
    y = drawing.height - PAD - 1 - (len(lines) - 1) * NOTE_SIZE * 1.25
    for line in lines:
        drawing.text(PAD, y, line, size=NOTE_SIZE, fill=MUTED)
        y += NOTE_SIZE * 1.25
    return drawing.height - PAD - max(len(lines), 1) * NOTE_SIZE * 1.25 - 4


# columns and lines ----------------------------------------------------------------


def value_range(chart: m.Chart) -> tuple[float, float]:
    """The values the value axis must cover: from zero for columns, near the data for lines far from it."""
    if chart.kind == "stacked-bar":
        columns = list(zip(*(s.values for s in chart.series)))
        low = min(sum(v for v in column if v < 0) for column in columns)
        high = max(sum(v for v in column if v > 0) for column in columns)
    else:
        values = [v for s in chart.series for v in s.values]
        low, high = min(values), max(values)
    if chart.kind == "line":
        if 0 <= low <= high / 2:
            low = 0.0
        elif high <= 0 and high >= low / 2:
            high = 0.0
        return low, high
    low, high = min(low, 0.0), max(high, 0.0)
    if low < 0:  # room below the lowest column for its label
        low -= (high - low) * 0.08
    return low, high


def _category_labels(categories, width: float) -> tuple[float, list[list[str]]]:
    """Category labels wrapped to the column's width, smaller if a word is still too wide."""
    size = AXIS_SIZE
    while True:
        labels = [wrap(category, size, width, 3) for category in categories]
        if all(text_width(line, size) <= width for lines in labels for line in lines):
            return size, labels
        if size <= 5:
            return size, [[ellipsize(line, size, width) for line in lines] for lines in labels]
        size -= 0.5


def _draw_columns_or_lines(drawing: Drawing, chart: m.Chart, palette, top: float, bottom: float,
                           words: ChartWords) -> None:
    percent = chart.unit.strip() == "%"

    def value_text(value: float) -> str:
        return words.value(value, percent)

    if chart.unit and not percent:
        drawing.text(PAD, top + AXIS_SIZE * 0.8, chart.unit.strip(), size=AXIS_SIZE, fill=MUTED)
        top += AXIS_SIZE * 1.3
    plot_top = top + VALUE_SIZE + 5  # room for the label of the highest value
    low, high = value_range(chart)
    ticks = nice_ticks(low, high, max(4, min(7, int((bottom - plot_top - 20) / 22))))
    tick_labels = [value_text(tick) for tick in ticks]
    left = PAD + max(text_width(label, AXIS_SIZE) for label in tick_labels) + 5
    right = drawing.width - PAD
    band = (right - left) / len(chart.categories)
    size, labels = _category_labels(chart.categories, band - 4)
    plot_bottom = bottom - max(len(lines) for lines in labels) * size * 1.2 - 5

    def y_of(value: float) -> float:
        return plot_bottom - (value - ticks[0]) / (ticks[-1] - ticks[0]) * (plot_bottom - plot_top)

    for tick, label in zip(ticks, tick_labels):
        drawing.line(left, y_of(tick), right, y_of(tick), GRID, 0.5)
        drawing.text(left - 4, y_of(tick) + AXIS_SIZE * 0.35, label, size=AXIS_SIZE, fill=MUTED, anchor="end")
    for index, lines in enumerate(labels):
        for row, line in enumerate(lines):
            drawing.text(left + band * (index + 0.5), plot_bottom + 4 + size * (0.85 + 1.2 * row), line,
                         size=size, fill=INK, anchor="middle")
    draw = {"bar": _draw_grouped, "stacked-bar": _draw_stacked, "line": _draw_lines}[chart.kind]
    draw(drawing, chart, palette, left, band, y_of, value_text, plot_bottom)
    base = 0.0 if ticks[0] <= 0 <= ticks[-1] else ticks[0]
    drawing.line(left, y_of(base), right, y_of(base), BASELINE, 0.8)


def _fitting_size(texts, width: float) -> float | None:
    """The value-label size at which every text fits `width`, or None if none does."""
    for size in (VALUE_SIZE, 5.5):
        if all(text_width(text, size) <= width for text in texts):
            return size
    return None


def _draw_grouped(drawing, chart, palette, left, band, y_of, label, floor) -> None:
    count = len(chart.series)
    group = band * (0.6 if count == 1 else min(0.84, 0.5 + 0.1 * count))
    slot = group / count
    gap = 1.0 if count > 1 else 0.0
    texts = [label(v) for s in chart.series for v in s.values]
    size = _fitting_size(texts, band - 3 if count == 1 else slot + 0.5)
    for i, series in enumerate(chart.series):
        colour = palette[i % len(palette)]
        for j, value in enumerate(series.values):
            x = left + band * j + (band - group) / 2 + i * slot
            y0, y1 = sorted((y_of(0), y_of(value)))
            drawing.rect(x + gap / 2, y0, slot - gap, y1 - y0, colour)
            if size:
                y = y_of(value) - 3 if value >= 0 else y_of(value) + size + 2
                drawing.text(x + slot / 2, y, label(value), size=size, anchor="middle")


def _draw_stacked(drawing, chart, palette, left, band, y_of, label, floor) -> None:
    width = band * 0.6
    for j in range(len(chart.categories)):
        x = left + band * j + (band - width) / 2
        above = below = 0.0
        for i, series in enumerate(chart.series):
            value = series.values[j]
            if value == 0:
                continue
            start = above if value > 0 else below
            end = start + value
            above, below = (end, below) if value > 0 else (above, end)
            y0, y1 = sorted((y_of(start), y_of(end)))
            colour = palette[i % len(palette)]
            drawing.rect(x, y0, width, y1 - y0, colour, stroke=WHITE)
            text = label(value)
            if (len(chart.series) > 1 and y1 - y0 >= VALUE_SIZE + 5
                    and text_width(text, VALUE_SIZE) <= width - 3):
                drawing.text(x + width / 2, (y0 + y1) / 2 + VALUE_SIZE * 0.35, text, size=VALUE_SIZE,
                             fill=text_colour_on(colour), anchor="middle")
        total = label(sum(s.values[j] for s in chart.series))
        if text_width(total, VALUE_SIZE, bold=True) <= band - 3:
            drawing.text(x + width / 2, y_of(above) - 3, total, size=VALUE_SIZE, anchor="middle", bold=True)


def _draw_lines(drawing, chart, palette, left, band, y_of, label, floor) -> None:
    xs = [left + band * (j + 0.5) for j in range(len(chart.categories))]
    for i, series in enumerate(chart.series):
        d = " ".join(f"{'M' if j == 0 else 'L'}{_n(x)} {_n(y_of(v))}"
                     for j, (x, v) in enumerate(zip(xs, series.values)))
        drawing.path(d, stroke=palette[i % len(palette)], width=1.75,
                     extra=' stroke-linejoin="round" stroke-linecap="round"')
    for i, series in enumerate(chart.series):
        for x, value in zip(xs, series.values):
            drawing.circle(x, y_of(value), 2.4, palette[i % len(palette)], WHITE, 0.8)
    texts = [label(v) for s in chart.series for v in s.values]
    size = _fitting_size(texts, band - 3)
    labels = None
    if size:
        labels = (_line_labels(chart, xs, y_of, size, floor, label, False)
                  or _line_labels(chart, xs, y_of, size, floor, label, True))
    for x, y, text in labels or ():
        drawing.text(x, y, text, size=size, anchor="middle")


def _line_labels(chart, xs, y_of, size: float, floor: float, label, lowest_below: bool):
    """(x, baseline, text) of a label for every point: above it (with `lowest_below`, below the lowest of
    several points at a category); None if a label would touch another label or a marker."""
    labels = []
    for j, x in enumerate(xs):
        points = sorted((y_of(s.values[j]), s.values[j]) for s in chart.series)
        taken = [(y - 3.2, y + 3.2) for y, _ in points]
        for k, (y, value) in enumerate(points):
            below = lowest_below and 0 < k == len(points) - 1 and y + 5 + size <= floor
            baseline = y + 4 + size * 0.75 if below else y - 5
            box = (baseline - size * 0.75, baseline + size * 0.15)
            if any(box[0] < end and start < box[1] for start, end in taken):
                return None
            taken.append(box)
            labels.append((x, baseline, label(value)))
    return labels


# pies and donuts ----------------------------------------------------------------


def _point(cx, cy, radius, angle) -> tuple[float, float]:
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _slice_path(cx, cy, radius, inner, start, end) -> str:
    """A pie slice (or, with an inner radius, a ring segment) from `start` to `end`, clockwise, in radians."""
    if end - start >= 2 * math.pi - 1e-9:  # the whole disc: two half arcs (one arc cannot close a circle)
        d = (f"M{_n(cx - radius)} {_n(cy)} A{_n(radius)} {_n(radius)} 0 1 1 {_n(cx + radius)} {_n(cy)} "
             f"A{_n(radius)} {_n(radius)} 0 1 1 {_n(cx - radius)} {_n(cy)} Z")
        if inner:
            d += (f" M{_n(cx - inner)} {_n(cy)} A{_n(inner)} {_n(inner)} 0 1 0 {_n(cx + inner)} {_n(cy)} "
                  f"A{_n(inner)} {_n(inner)} 0 1 0 {_n(cx - inner)} {_n(cy)} Z")
        return d
    large = 1 if end - start > math.pi else 0
    (x0, y0), (x1, y1) = _point(cx, cy, radius, start), _point(cx, cy, radius, end)
    arc = f"A{_n(radius)} {_n(radius)} 0 {large} 1 {_n(x1)} {_n(y1)}"
    if not inner:
        return f"M{_n(cx)} {_n(cy)} L{_n(x0)} {_n(y0)} {arc} Z"
    (i1x, i1y), (i0x, i0y) = _point(cx, cy, inner, end), _point(cx, cy, inner, start)
    return (f"M{_n(x0)} {_n(y0)} {arc} L{_n(i1x)} {_n(i1y)} "
            f"A{_n(inner)} {_n(inner)} 0 {large} 0 {_n(i0x)} {_n(i0y)} Z")


def _draw_pie(drawing: Drawing, chart: m.Chart, palette, top: float, bottom: float, words: ChartWords) -> None:
    values = chart.series[0].values
    count, total = len(values), sum(values)
    percent = chart.unit.strip() == "%"
    colours = [slice_colour(palette, j, count) for j in range(count)]
    value_texts = [words.value(v, percent) for v in values]
    share_texts = [] if percent else [words.share(s) for s in shares(values)]
    height = bottom - top
    legend = _PieLegend(chart, value_texts, share_texts, height)
    # as large as the height allows, but smaller (down to 30% of the height) rather than cut the legend short
    room_for_legend = (drawing.width - 2 * PAD - 18 - legend.natural_width) / 2
    radius = min(height / 2 - 2, (drawing.width - 2 * PAD) * 0.24, max(room_for_legend, height * 0.3))
    radius = max(8.0, radius)
    inner = radius * 0.58 if chart.kind == "donut" else 0.0
    space = drawing.width - 2 * PAD - 2 * radius - 18
    width = min(legend.natural_width, space)
    cx = PAD + (space - width) / 2 + radius
    cy = top + height / 2
    legend.draw(drawing, colours, cx + radius + 18, cy, width)
    if total == 0:
        drawing.path(_slice_path(cx, cy, radius, inner, 0, 2 * math.pi), fill=GRID,
                     extra=' fill-rule="evenodd"')
        return
    angle = -math.pi / 2
    label_radius = (radius + inner) / 2 if inner else radius * 0.62
    for value, colour, text in zip(values, colours, value_texts if percent else share_texts):
        if value <= 0:
            continue
        sweep = value / total * 2 * math.pi
        drawing.path(_slice_path(cx, cy, radius, inner, angle, angle + sweep), fill=colour,
                     stroke=WHITE if count > 1 else None, width=1,
                     extra=' stroke-linejoin="round" fill-rule="evenodd"')
        if sweep * label_radius >= text_width(text, LEGEND_SIZE, bold=True) + 6 and sweep >= 0.3:
            x, y = _point(cx, cy, label_radius, angle + sweep / 2) if inner or value < total else (cx, cy)
            drawing.text(x, y + LEGEND_SIZE * 0.35, text, size=LEGEND_SIZE, fill=text_colour_on(colour),
                         anchor="middle", bold=True)
        angle += sweep
    if inner and not percent:
        _draw_donut_total(drawing, chart, cx, cy, inner, words.number(total))


def _draw_donut_total(drawing, chart, cx, cy, inner, text: str) -> None:
    size = min(14.0, inner * 0.5)
    while size > 6 and text_width(text, size, bold=True) > inner * 1.6:
        size -= 0.5
    drawing.text(cx, cy + size * 0.2, text, size=size, anchor="middle", bold=True)
    label = ellipsize(chart.unit.strip() or "total", NOTE_SIZE, inner * 1.5)
    drawing.text(cx, cy + size * 0.2 + NOTE_SIZE * 1.6, label, size=NOTE_SIZE, fill=MUTED, anchor="middle")


class _PieLegend:
    """The table beside a pie: a swatch, the category, its value and its share, one row each."""

    def __init__(self, chart: m.Chart, value_texts, share_texts, height: float):
        self.chart, self.values, self.shares = chart, value_texts, share_texts
        self.header = bool(chart.unit.strip()) and bool(share_texts)
        rows = len(value_texts) + self.header
        self.size, self.row = LEGEND_SIZE, LEGEND_SIZE * 1.75
        if rows * self.row > height:
            self.row = height / rows
            self.size = min(LEGEND_SIZE, self.row / 1.3)
        self.height = rows * self.row
        heads = (chart.unit.strip(), "share") if self.header else ("", "")
        self.value_width = max(text_width(t, self.size, bold=True) for t in (*value_texts, heads[0]))
        self.share_width = max((text_width(t, self.size) for t in (*share_texts, heads[1])), default=0.0)
        self.columns = self.value_width + (10 + self.share_width if share_texts else 0)
        names = max(text_width(c, self.size) for c in chart.categories)
        self.natural_width = 11 + names + 12 + self.columns

    def draw(self, drawing: Drawing, colours, x: float, cy: float, width: float) -> None:
        size, row = self.size, self.row
        share_right = x + width
        value_right = share_right - (self.share_width + 10 if self.shares else 0)
        y = cy - self.height / 2
        if self.header:
            drawing.text(value_right, y + row / 2 + size * 0.35, ellipsize(self.chart.unit.strip(), size,
                         self.value_width), size=size, fill=MUTED, anchor="end")
            drawing.text(share_right, y + row / 2 + size * 0.35, "share", size=size, fill=MUTED, anchor="end")
            y += row
        name_width = width - 11 - 12 - self.columns
        for j, category in enumerate(self.chart.categories):
            middle = y + row * (j + 0.5)
            box = min(7.0, size)
            drawing.rect(x, middle - box / 2, box, box, colours[j])
            drawing.text(x + 11, middle + size * 0.35, ellipsize(category, size, name_width), size=size)
            drawing.text(value_right, middle + size * 0.35, self.values[j], size=size, anchor="end", bold=True)
            if self.shares:
                drawing.text(share_right, middle + size * 0.35, self.shares[j], size=size, fill=MUTED,
                             anchor="end")
