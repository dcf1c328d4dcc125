"""The status report as PowerPoint slides (16:9): native tables a consultant can edit.

The charts are the app's own figures as PNG (PowerPoint has no vector format every version
reads alike); every table is a real PowerPoint table, cut over several slides when long.
Every slide says the status date and the filters, and carries the example-data mark.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date

import duckdb
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.parts.image import Image
from pptx.util import Emu, Inches, Pt

from . import chart_images, report
from .filters import Choices, Filters
from .report import Section, StatusReport, Table

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
BODY_TOP = Inches(1.25)
FOOTER_TOP = Inches(7.0)
CHART_WIDTH = 1100  # CSS px, as in the PDF; drawn at twice that for a sharp picture
CHART_SCALE = 2
PADDING = Inches(0.05)  # inside each table cell

INK = RGBColor(0x1F, 0x29, 0x33)
MUTED = RGBColor(0x5F, 0x6B, 0x76)
WARN = RGBColor(0xD5, 0x5E, 0x00)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)

TITLE_LAYOUT = 0
TITLE_ONLY_LAYOUT = 5


def _text(frame, text: str, size: int, colour: RGBColor = INK, bold: bool = False) -> None:
    """Replace ``frame``'s text with one paragraph per line of ``text``."""
    frame.clear()
    frame.word_wrap = True
    for number, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = colour


def _box(slide, left, top, width, height, text: str, size: int, **style):
    box = slide.shapes.add_textbox(left, top, width, height)
    _text(box.text_frame, text, size, **style)
    return box


class Deck:
    """A 16:9 presentation that stamps every slide with the view and the example mark."""

    def __init__(self, content: StatusReport):
        self.content = content
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDTH, HEIGHT
        self.prs.core_properties.title = content.title
        self.prs.core_properties.language = "da-DK"

    def slide(self, title: str):
        """A new slide with ``title`` across the top and the footer."""
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[TITLE_ONLY_LAYOUT])
        heading = slide.shapes.title
        heading.left, heading.top = MARGIN, Inches(0.35)
        heading.width, heading.height = WIDTH - 2 * MARGIN, Inches(0.8)
        _text(heading.text_frame, title, 28, bold=True)
        heading.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
        self.stamp(slide)
        return slide

    def stamp(self, slide) -> None:
        """The footer: status date, filters and, for example data, the mark."""
        content = self.content
        text = f"Status pr. {content.as_of} · Filtre: {content.filters}"
        _box(slide, MARGIN, FOOTER_TOP, Inches(8.5), Inches(0.35), text, 10, colour=MUTED)
        if content.source.example_data:
            mark = report.EXAMPLE_MARK.upper()
            box = _box(
                slide, Inches(8.8), FOOTER_TOP, Inches(4.03), Inches(0.35), mark, 10, bold=True
            )
            box.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT
            box.text_frame.paragraphs[0].runs[0].font.color.rgb = WARN

    def number_slides(self) -> None:
        """'Dias 3 af 12' in the bottom right corner of every slide."""
        total = len(self.prs.slides)
        for number, slide in enumerate(self.prs.slides, start=1):
            box = _box(
                slide,
                Inches(8.8),
                Inches(6.7),
                Inches(4.03),
                Inches(0.3),
                f"Dias {number} af {total}",
                10,
                colour=MUTED,
            )
            box.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT

    def save(self) -> bytes:
        """The deck as .pptx bytes."""
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


def _title_slide(deck: Deck) -> None:
    content = deck.content
    slide = deck.prs.slides.add_slide(deck.prs.slide_layouts[TITLE_LAYOUT])
    title, subtitle = slide.shapes.title, slide.placeholders[1]
    for shape, top, height in ((title, 1.4, 1.6), (subtitle, 3.2, 3.0)):
        shape.left, shape.top = MARGIN, Inches(top)
        shape.width, shape.height = WIDTH - 2 * MARGIN, Inches(height)
    _text(title.text_frame, content.programme, 34, bold=True)
    lines = [
        f"Statusrapport pr. {content.as_of}",
        content.caption,
        f"Filtre: {content.filters}",
        content.status,
    ]
    _text(subtitle.text_frame, "\n".join(lines), 18, colour=MUTED)
    for shape in (title, subtitle):
        for paragraph in shape.text_frame.paragraphs:
            paragraph.alignment = PP_ALIGN.LEFT
    deck.stamp(slide)


EM = 0.5  # average width of a character in the theme font (Calibri), in em, with some room
BOLD = 1.08  # a bold heading's word is this much wider
TABLE_SIZES = (12, 11, 10, 9, 8)  # pt: the largest at which every word fits its column


@dataclass(frozen=True)
class Layout:
    """How a table is set on slides: text size, column widths and each row's height (EMU)."""

    size: int
    widths: list[int]
    heights: list[int]


def _layout(table: Table, total: int) -> Layout:
    """The largest text size at which no word is broken, and the widths and heights for it.

    Every column first gets room for its longest word; what is left is shared by what each
    column would need to set its longest text on one line. Row heights count the lines each
    cell wraps to.
    """
    least, wanted = [], []
    for k, name in enumerate(table.columns):
        cells = [row[k] for row in table.rows]
        words = [len(word) for text in cells for word in text.split()]
        bold = [BOLD * len(word) for word in name.split()]
        least.append(max(*words, *bold, 1) + 1)
        wanted.append(max(least[-1], max(map(len, cells), default=0) + 1))
    for size in TABLE_SIZES:
        room = (total - len(least) * PADDING * 2) / (Pt(size) * EM)  # characters across
        if sum(least) <= room:
            break
    if sum(wanted) <= room:
        chars = [w * room / sum(wanted) for w in wanted]
    else:
        spare = (room - sum(least)) / (sum(wanted) - sum(least)) if sum(least) < room else 0
        chars = [n + (w - n) * spare for n, w in zip(least, wanted, strict=True)]
    widths = [int(c * Pt(size) * EM + 2 * PADDING) for c in chars]
    if sum(widths) > total:  # not even the smallest size fits every word: some will break
        widths = [int(w * total / sum(widths)) for w in widths]
    line = Pt(size) * 1.25
    heights = [
        int(
            max(math.ceil(len(text) / max(c - 1, 1)) for text, c in zip(row, chars, strict=True))
            * line
            + 2 * PADDING
        )
        for row in [table.columns, *table.rows]
    ]
    return Layout(size, widths, heights)


def _table(slide, table: Table, layout: Layout, top) -> None:
    """A native PowerPoint table: heading row, then the rows."""
    shape = slide.shapes.add_table(
        len(table.rows) + 1, len(table.columns), MARGIN, top, sum(layout.widths), Inches(0.3)
    )
    grid = shape.table
    for k, width in enumerate(layout.widths):
        grid.columns[k].width = Emu(width)
    for i, row in enumerate([table.columns, *table.rows]):
        grid.rows[i].height = Emu(layout.heights[i])
        for k, value in enumerate(row):
            cell = grid.cell(i, k)
            cell.margin_left = cell.margin_right = PADDING
            cell.margin_top = cell.margin_bottom = PADDING
            if i == 0:
                _text(cell.text_frame, value, layout.size, bold=True, colour=WHITE)
            else:
                _text(cell.text_frame, value, layout.size)


def _pages(heights: list[int], room: int) -> list[int]:
    """How many rows go on each slide: as even as fits, each slide under its own heading."""
    head, rows = heights[0], heights[1:]
    greedy, used = [0], head
    for height in rows:
        if greedy[-1] and used + height > room:
            greedy.append(0)
            used = head
        greedy[-1] += 1
        used += height
    even = [len(part) for part in report.even_parts(rows, math.ceil(len(rows) / len(greedy)))]
    start = 0
    for count in even:
        if head + sum(rows[start : start + count]) > room:
            return greedy
        start += count
    return even


def _table_slides(deck: Deck, title: str, table: Table, notes: tuple[str, ...]) -> None:
    """The table over as many slides as it needs, the heading row on each."""
    layout = _layout(table, WIDTH - 2 * MARGIN)
    top = BODY_TOP + (Inches(0.45) if notes else 0)
    counts = _pages(layout.heights, FOOTER_TOP - top - Inches(0.35))
    start = 0
    for number, count in enumerate(counts, start=1):
        suffix = f" ({number} af {len(counts)})" if len(counts) > 1 else ""
        slide = deck.slide(title + suffix)
        if notes:
            _box(slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, Inches(0.4), " ".join(notes), 12)
        rows = table.rows[start : start + count]
        part = Layout(
            layout.size,
            layout.widths,
            [layout.heights[0], *layout.heights[1 + start : 1 + start + count]],
        )
        _table(slide, Table(table.columns, rows), part, top)
        start += count


def _picture(slide, image: bytes, top) -> None:
    """The chart as large as the space under ``top`` allows, centred, aspect kept."""
    width_px, height_px = Image.from_blob(image).size
    room_w, room_h = WIDTH - 2 * MARGIN, FOOTER_TOP - top - Inches(0.1)
    scale = min(room_w / width_px, room_h / height_px)
    width, height = int(width_px * scale), int(height_px * scale)
    left = (WIDTH - width) // 2
    slide.shapes.add_picture(io.BytesIO(image), left, top, width, height)


def _chart_slides(deck: Deck, section: Section, images: dict[str, bytes]) -> None:
    for number, chart in enumerate(section.charts, start=1):
        parts = len(section.charts)
        slide = deck.slide(section.title + (f" ({number} af {parts})" if parts > 1 else ""))
        top = BODY_TOP
        if section.notes:
            text = " ".join(section.notes)
            _box(slide, MARGIN, top, WIDTH - 2 * MARGIN, Inches(0.4), text, 12, colour=MUTED)
            top += Inches(0.45)
        _picture(slide, images[chart.key], top)
        slide.shapes[-1].name = chart.alt[:200]
        slide.shapes[-1]._element.nvPicPr.cNvPr.set("descr", chart.alt)


def _section_slides(deck: Deck, section: Section, images: dict[str, bytes]) -> None:
    if section.items:
        slide = deck.slide(section.title)
        body = "\n".join([*section.notes, *section.items])
        _box(slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, Inches(5.5), body, 14)
    if section.charts:
        _chart_slides(deck, section, images)
    if section.table is not None:
        _table_slides(deck, section.title, section.table, section.notes)
    if section.empty and not section.items:
        slide = deck.slide(section.title)
        _box(slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, Inches(1), section.empty, 18)


def _key_figures(deck: Deck) -> None:
    content = deck.content
    rows = [[c.label, c.value, report.change(c), c.help or ""] for c in content.cards]
    table = Table(["Nøgletal", "Status", "Ændring", "Forklaring"], rows)
    _table_slides(deck, "Nøgletal", table, (content.changes_note,))


def _source_slide(deck: Deck) -> None:
    source = deck.content.source
    slide = deck.slide("Om data")
    text = "\n".join([*source.lines, source.made])
    _box(slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, Inches(5), text, 14)


def _charts(sections: tuple[Section, ...]) -> dict[str, bytes]:
    figures = {c.key: c.figure for s in sections for c in s.charts}
    return chart_images.render(figures, "png", CHART_WIDTH, scale=CHART_SCALE)


def status_pptx(content: StatusReport) -> bytes:
    """The status report as a 16:9 deck."""
    deck = Deck(content)
    _title_slide(deck)
    _key_figures(deck)
    images = _charts(content.sections)
    for section in content.sections:
        _section_slides(deck, section, images)
    _source_slide(deck)
    deck.number_slides()
    return deck.save()


def write_status(
    con: duckdb.DuckDBPyConnection, filters: Filters, choices: Choices, today: date
) -> bytes:
    """The status report of the view as PowerPoint."""
    return status_pptx(report.status_report(con, filters, choices, today))
