"""DOCX rendering of the cell's paperwork (the minutes), deterministic byte for byte.

The layout follows the common templates of the minutes book after HD 12-HD/BTCTW (2018): the
two-column heading (the party organisation on the left, "ĐẢNG CỘNG SẢN VIỆT NAM" with place
and date on the right), the title, the numbered sections and the signatures. Details that the
guidance does not fix and that were not verified against an official form (font, sizes,
margins, which signature stands left) are `Layout` values, not constants.

Documents are deterministic: the core properties carry the meeting's date, not the clock, and
every zip entry has a fixed timestamp, so the same record gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from chibo.rules.messages import N_
from chibo.usecases.i18n import Translator
from chibo.usecases.minutes import Absent, Minutes

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"  # the fixed heading of every party document
BLANK = "……………"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Layout:
    """What the guidance leaves open (not verified against an official form)."""

    font: str = "Times New Roman"
    size_pt: float = 13
    heading_size_pt: float = 14
    margin_cm: tuple[float, float, float, float] = (2.0, 1.5, 2.0, 3.0)  # top, right, bottom, left
    recorder_left: bool = True  # signatures: recorder (thư ký) left, chair right


TITLES = {
    "regular": N_("Regular meeting of the cell, month {month}"),
    "thematic": N_("Thematic meeting of the cell, month {month}"),
    "extraordinary": N_("Extraordinary meeting of the cell"),
}


def _new(layout: Layout) -> DocxDocument:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = layout.font
    style.font.size = Pt(layout.size_pt)
    for section in doc.sections:
        top, right, bottom, left = layout.margin_cm
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.top_margin, section.right_margin = Cm(top), Cm(right)
        section.bottom_margin, section.left_margin = Cm(bottom), Cm(left)
    return doc


def _para(
    target: DocxDocument | _Cell,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    center: bool = False,
    size: float | None = None,
) -> Paragraph:
    p = target.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size is not None:
        run.font.size = Pt(size)
    return p


def _labelled(doc: DocxDocument, label: str, value: str | None) -> None:
    p = doc.add_paragraph()
    p.add_run(label + ": ").bold = True
    p.add_run(value or BLANK)


def _deterministic(doc: DocxDocument, title: str, author: str, when: datetime) -> bytes:
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title[:255], author[:255], author[:255]
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    props.comments = props.keywords = props.subject = props.category = ""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def _heading(doc: DocxDocument, _: Translator, m: Minutes, layout: Layout) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    if m.parent_name:
        _para(left, m.parent_name.upper(), center=True)
    _para(left, m.cell_name.upper(), bold=True, center=True)
    _para(left, "*", center=True)
    _para(right, PARTY, bold=True, underline=True, center=True)
    day, month = str(m.held_on.day).zfill(2), str(m.held_on.month).zfill(2)
    _para(
        right,
        _(
            "{place}, day {d} month {mo} year {y}",
            place=m.place or BLANK,
            d=day,
            mo=month,
            y=m.held_on.year,
        ),
        italic=True,
        center=True,
    )


def _names(people: Iterable[str]) -> str:
    return ", ".join(people)


def _absent_lines(_: Translator, people: Iterable[Absent]) -> list[str]:
    return [
        _("{name} (reason: {reason})", name=a.name, reason=a.reason) if a.reason else a.name
        for a in people
    ]


def minutes_title(_: Translator, m: Minutes) -> str:
    month = m.held_on.strftime("%m/%Y")
    return _(TITLES.get(m.kind, TITLES["regular"]), month=month)


def minutes_filename(m: Minutes) -> str:
    return f"bien-ban-{m.org_code}-{m.held_on.isoformat()}.docx"


def render_minutes(_: Translator, m: Minutes, layout: Layout | None = None) -> bytes:
    """The minutes as DOCX bytes (deterministic)."""
    layout = layout or Layout()
    doc = _new(layout)
    _heading(doc, _, m, layout)
    _para(doc)
    _para(doc, _("MINUTES"), bold=True, center=True, size=layout.heading_size_pt)
    _para(doc, minutes_title(_, m), bold=True, center=True)
    if m.topic:
        _para(doc, _("Topic: {topic}", topic=m.topic), italic=True, center=True)

    _labelled(
        doc,
        _("Opened"),
        _("at {time}, {date}", time=m.opened_at or BLANK, date=m.held_on),
    )
    _labelled(doc, _("Place"), m.place)
    _labelled(doc, _("Chair"), m.chair)
    _labelled(doc, _("Recorder"), m.recorder)

    _para(doc, _("I. ATTENDANCE"), bold=True)
    if not m.recorded:
        _para(doc, _("Attendance was not recorded in the meeting book."), italic=True)
    else:
        _labelled(doc, _("Total party members of the cell"), str(m.total))
        _labelled(doc, _("Members called"), str(m.expected))
        _labelled(doc, _("Present"), str(len(m.present)))
        _labelled(doc, _("Absent with reason"), str(len(m.excused)))
        for line in _absent_lines(_, m.excused):
            doc.add_paragraph(line, style="List Bullet")
        _labelled(doc, _("Absent without reason"), str(len(m.unexcused)))
        for line in _absent_lines(_, m.unexcused):
            doc.add_paragraph(line, style="List Bullet")
        if m.exempt:
            _labelled(doc, _("Exempt from activities (not counted as absent)"), _names(m.exempt))
        _labelled(doc, _("Members present"), _names(m.present) or "—")
    _labelled(doc, _("Upper-level committee member attending"), m.upper_attendee or "—")

    _para(doc, _("II. CONTENTS"), bold=True)
    if m.agenda:
        _para(doc, _("Agenda:"), italic=True)
        for item in m.agenda:
            doc.add_paragraph(item, style="List Number")
    _para(doc, _("1. Assessment of the past month and the cell's conclusions"), bold=True)
    _para(doc, m.contents or BLANK)
    _para(doc, _("2. Tasks for the coming month"), bold=True)
    if m.tasks:
        for t in m.tasks:
            doc.add_paragraph(
                _("{name}: {task} (due {due})", name=t.name, task=t.task, due=t.due),
                style="List Bullet",
            )
    else:
        _para(doc, BLANK)
    if m.kind == "thematic":
        _para(doc, _("3. Thematic content"), bold=True)
        _para(doc, m.topic or BLANK)

    _para(doc, _("III. OPINIONS"), bold=True)
    _para(doc, m.opinions or BLANK)

    _para(doc, _("IV. CONCLUSION AND VOTE ON THE RESOLUTION"), bold=True)
    if m.vote_for is None:
        vote = _(
            "For: {b} of {b} members present; against: {b}; abstaining: {b}.",
            b=BLANK,
        )
    else:
        vote = _(
            "For: {yes} of {present} members present; against: {no}; abstaining: {abstain}.",
            yes=m.vote_for,
            present=len(m.present) if m.recorded else BLANK,
            no=m.vote_against or 0,
            abstain=m.vote_abstain or 0,
        )
    _labelled(doc, _("Vote"), vote)
    _labelled(doc, _("The cell's rating of the meeting"), m.rating)
    _para(
        doc,
        _(
            "The meeting closed at {time} the same day. These minutes were read to the meeting"
            " and approved.",
            time=m.closed_at or BLANK,
        ),
    )

    signs = doc.add_table(rows=1, cols=2)
    signs.alignment = WD_TABLE_ALIGNMENT.CENTER
    recorder = (_("RECORDER"), m.recorder)
    chair = (_("CHAIR"), m.chair)
    for cell, (role, name) in zip(
        signs.rows[0].cells,
        (recorder, chair) if layout.recorder_left else (chair, recorder),
        strict=True,
    ):
        _para(cell, role, bold=True, center=True)
        _para(cell, _("(signature, full name)"), italic=True, center=True)
        for _i in range(3):
            _para(cell)
        _para(cell, name or "", bold=True, center=True)
    title = f"{_('MINUTES')} — {minutes_title(_, m)} — {m.cell_name}"
    return _deterministic(doc, title, m.cell_name, datetime.combine(m.held_on, time(0, 0)))
