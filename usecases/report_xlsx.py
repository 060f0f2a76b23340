"""The officers' XLSX workbook: renders `usecases.status.Report`, nothing is computed here.

Sheets (names and headers in the reader's language, through `t`): meetings by cell and month,
members, probation, candidates, reconciliation, its discrepancies, targets. Every sheet has
one header row and one row per item from row 2; dates are real date cells (dd/mm/yyyy).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from chibo.rules.candidate_steps import BY_CODE
from chibo.rules.messages import N_
from chibo.storage.db import from_db_instant
from chibo.usecases.badges import BadgeList
from chibo.usecases.dues import DuesSummary
from chibo.usecases.evaluation import EvaluationView
from chibo.usecases.lifecycle import OrgNumbers
from chibo.usecases.reconciliation import KIND_LABELS, STATUS_LABELS
from chibo.usecases.roster import FIELD_LABELS
from chibo.usecases.status import Report
from chibo.usecases.xlsx_stream import DATE_FORMAT, HEADER, Sheet, Workbook

Translate = Callable[..., str]

__all__ = ["DATE_FORMAT", "build", "build_badges", "build_dues", "month_label"]


def month_label(key: str) -> str:
    """ "2026-03" → "03/2026"."""
    return f"{key[5:7]}/{key[:4]}"


def _sheet(
    wb: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[int] = (),
) -> Sheet:
    """A sheet: a bold header row, then `rows` (dates, shares and text typed by
    `usecases.xlsx_stream`: text is always text, never a formula)."""
    ws = wb.create_sheet(title)
    for col, header in enumerate(headers, start=1):
        width = widths[col - 1] if col - 1 < len(widths) else max(10, min(len(header) + 2, 24))
        ws.widths[col] = width
    ws.freeze = "D2" if len(headers) > 6 else "A2"
    ws.append(headers, style=HEADER)
    for row in rows:
        ws.append(row)
    return ws


def build(
    report: Report,
    _: Translate,
    evaluation: EvaluationView | None = None,
    lifecycle: Sequence[OrgNumbers] | None = None,
    *,
    dues: Sequence[DuesSummary] = (),
) -> bytes:
    """The workbook as XLSX bytes (with the year-end evaluation sheet, the moves and removals,
    and the party dues of the months when given)."""
    wb = Workbook()
    under = {o.id: o.name for o in report.children if o.kind != "cell"}
    head = [_("Cell code"), _("Cell"), _("Under")]

    def place(c: Any) -> list[object]:
        return [c.cell.code, c.cell.name, under.get(c.cell.child_id, report.root.name)]

    _sheet(
        wb,
        _("Meetings"),
        [
            *head,
            *(month_label(m) for m in report.months),
            _("Months with a regular meeting"),
            _("Thematic meetings"),
        ],
        [
            [*place(c), *(c.months.get(m, 0) for m in report.months), c.regular_months, c.thematic]
            for c in report.cells
        ],
        [10, 28, 24],
    )
    _sheet(
        wb,
        _("Members"),
        [
            *head,
            _("Official"),
            _("Probationary"),
            _("Exempt"),
            _("Total"),
            _("Admitted in the period"),
        ],
        [
            [*place(c), c.official, c.probationary, c.exempt, c.members, c.admitted]
            for c in report.cells
        ],
        [10, 28, 24],
    )
    cells = {c.cell.id: c.cell for c in report.cells}
    _sheet(
        wb,
        _("Probation"),
        [
            _("Cell code"),
            _("Cell"),
            _("Full name"),
            _("Admission ceremony"),
            _("End of probation"),
            _("New-member course"),
            _("Cell resolution"),
            _("Committee decision"),
        ],
        [
            [
                cells[p.row.cell_id].code,
                cells[p.row.cell_id].name,
                p.row.full_name,
                p.row.ceremony_date,
                p.end,
                p.row.course_done_date,
                p.row.cell_resolution_date,
                p.row.committee_decision_date,
            ]
            for p in report.probation
            if p.row.cell_id in cells
        ],
        [10, 28, 28, 14, 14, 14, 14, 14],
    )
    _sheet(
        wb,
        _("Candidates"),
        [
            *head,
            *(_("Next: {step}", step=_(BY_CODE[s].title)) for s in report.candidate_stages),
            _("Total"),
        ],
        [
            [
                *place(c),
                *(c.candidates.get(s, 0) for s in report.candidate_stages),
                c.candidates_total,
            ]
            for c in report.cells
        ],
        [10, 28, 24],
    )
    _reconciliation(wb, report, _, head, place)
    _targets(wb, report, _)
    if evaluation is not None:
        evaluation_sheet(wb, evaluation, _)
    if lifecycle is not None:
        lifecycle_sheet(wb, lifecycle, _)
    if dues:
        dues_sheet(wb, dues, _)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _reconciliation(
    wb: Workbook,
    report: Report,
    _: Translate,
    head: list[str],
    place: Callable[[Any], list[object]],
) -> None:
    rows = []
    for c in report.cells:
        r = c.reconciliation
        status = r.status if r else "not_confirmed"
        confirmed = from_db_instant(r.confirmed_at) if r and r.confirmed_at else None
        rows.append(
            [
                *place(c),
                report.period.end,
                _(STATUS_LABELS[status]),
                confirmed.date() if confirmed else None,
                r.member_count if r else None,
                r.open if r else 0,
                r.total if r else 0,
            ]
        )
    _sheet(
        wb,
        _("Reconciliation"),
        [
            *head,
            _("Period ending"),
            _("Status"),
            _("Confirmed on"),
            _("Members confirmed"),
            _("Open discrepancies"),
            _("All discrepancies"),
        ],
        rows,
        [10, 28, 24, 14, 22],
    )
    cells = {c.cell.id: c.cell for c in report.cells}
    _sheet(
        wb,
        _("Discrepancies"),
        [
            _("Cell code"),
            _("Cell"),
            _("Kind"),
            _("Full name"),
            _("Field"),
            _("Cell's value"),
            _("Official list's value"),
            _("Row in the official list"),
            _("Resolved"),
        ],
        [
            [
                cells[d.cell_id].code,
                cells[d.cell_id].name,
                _(KIND_LABELS[d.kind]),
                d.full_name,
                _(FIELD_LABELS[d.field]) if d.field in FIELD_LABELS else d.field,
                d.cell_value,
                d.official_value,
                d.official_row,
                _("yes") if d.resolved else _("no"),
            ]
            for d in report.discrepancies
            if d.cell_id in cells
        ],
        [10, 24, 30, 28, 18, 18, 18, 10, 10],
    )


def _targets(wb: Workbook, report: Report, _: Translate) -> None:
    low, high = report.target_ratio
    ws = _sheet(
        wb,
        _("Targets"),
        [
            _("Code"),
            _("Organisation"),
            _("Members on 1 January"),
            _("Admissions target ({p}%)", p=_pct(low)),
            _("Admissions target ({p}%)", p=_pct(high)),
            _("Admitted this year"),
            _("Admitted, share of members"),
            _("Cells"),
            _("Cells with every monthly meeting"),
            _("Share of cells"),
            _("Months counted"),
        ],
        [
            [
                x.org.code,
                x.org.name,
                x.members_at_start,
                x.admissions_min,
                x.admissions_max,
                x.admitted,
                x.admitted_ratio,
                x.cells,
                x.cells_every_month,
                x.meetings_ratio,
                x.months_counted,
            ]
            for x in report.targets
        ],
        [10, 30, 14, 14, 14, 14, 14, 10, 16, 12, 10],
    )
    ws.append([])
    ws.append(
        [
            _(
                "Targets from the provincial and district plans: admit {low}%–{high}% of the"
                " members on 1 January each year; every cell holds its regular meeting every"
                " month (Party Charter, Art. 24). Admissions are counted by the date of the"
                " admission decision. Months counted: {months}.",
                low=_pct(low),
                high=_pct(high),
                months=", ".join(month_label(m) for m in report.counted_months),
            )
        ]
    )


def _pct(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    text = f"{number * 100:.1f}".rstrip("0").rstrip(".")
    return text


# -- party dues and badges (issue 15): small separate workbooks -----------------------------------


def build_dues(view: DuesSummary, _: Translate) -> bytes:
    """One sheet: paid / due / unpaid per cell for the month, and the cell's share."""
    wb = Workbook()
    dues_sheet(wb, [view], _)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def dues_sheet(wb: Workbook, views: Sequence[DuesSummary], _: Translate) -> None:
    """The "Party dues" sheet: per month, paid / due / unpaid per cell and the total."""
    share = _("Cell share (đ)")
    if not all(v.share_verified for v in views):
        share = _("Cell share (đ, rate not verified)")
    headers = [
        _("Code"),
        _("Organisation"),
        _("Month"),
        _("Recorded"),
        _("Members"),
        _("Exempt"),
        _("Paid"),
        _("Unpaid"),
        _("Valid reason"),
        _("Due (đ)"),
        _("Paid (đ)"),
        share,
    ]
    rows = [
        [
            x.org.code,
            x.org.name,
            f"{view.month.month:02d}/{view.month.year}",
            _("yes") if x.recorded else _("no"),
            x.members,
            *(
                [x.exempt, x.paid, x.unpaid, x.excused, x.amount_due, x.amount_paid, x.cell_share]
                if x.recorded or view.estimated or x is view.total
                else [None] * 7
            ),
        ]
        for view in views
        for x in [*view.lines, view.total]
    ]
    _sheet(wb, _("Party dues"), headers, rows)


def build_badges(view: BadgeList, _: Translate) -> bytes:
    """The proposal list for an award date: one row per member, grouped by cell."""
    wb = Workbook()
    headers = [
        _("No."),
        _("Cell"),
        _("Full name"),
        _("Date of birth"),
        _("Admission decision"),
        _("Badge (years)"),
        _("Reached on"),
        _("Note"),
    ]
    rows = [
        [
            i,
            line.cell.name,
            line.due.member.full_name,
            line.due.member.birth_date,
            line.due.member.decision_date,
            line.due.milestone,
            line.due.reached_on,
            _("early (serious illness)") if line.due.early else "",
        ]
        for i, line in enumerate(view.lines, start=1)
    ]
    title = _("Badges {date}", date=view.award_date.strftime("%d-%m-%Y"))
    _sheet(wb, title, headers, rows, widths=(6, 24, 28, 14, 14, 10, 14, 22))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def evaluation_sheet(wb: Workbook, view: EvaluationView, _: Translate) -> None:
    """The year-end evaluation per organisation below the root, then the whole (E1-E4)."""
    from chibo.rules.evaluation import LEVELS

    ws = _sheet(
        wb,
        _("Evaluation {year}", year=view.year),
        [
            _("Code"),
            _("Organisation"),
            _("Members to review"),
            _("Reviewed"),
            _("Not yet"),
            *(lvl for lvl in LEVELS),
            *(_("{level} share", level=lvl) for lvl in LEVELS),
            _("Cells"),
            *(_("Cells {level}", level=lvl) for lvl in LEVELS),
            _("Members HTT or better"),
            _("Grassroots organisations HTT or better"),
        ],
        [
            [
                x.code,
                x.name,
                x.due,
                x.reviewed,
                x.not_yet,
                *(x.levels.get(lvl, 0) for lvl in LEVELS),
                *(_share(x.share(lvl)) for lvl in LEVELS),
                x.cells,
                *(x.cell_levels.get(lvl, 0) for lvl in LEVELS),
                _share(x.members_target.share),
                _share(x.grassroots_target.share),
            ]
            for x in [*view.lines, view.total]
        ],
        [10, 30],
    )
    ws.append([])
    ws.append(
        [
            _(
                "Targets (27-CTr/HU): more than {p}% of members and of grassroots organisations"
                " rated 'hoàn thành tốt nhiệm vụ' (HTT) or better each year. Levels: the"
                " committee's decision, else the cell's proposal.",
                p=_pct(view.ratio),
            )
        ]
    )


def _share(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


LIFECYCLE_COLUMNS = (
    ("transfers_out_open", N_("Transfers out in progress")),
    ("transfers_out_done", N_("Transfers out completed this year")),
    ("transfers_in_expected", N_("Transfers in expected")),
    ("transfers_in_done", N_("Transfers in received this year")),
    ("temporary_away", N_("Temporarily away")),
    ("temporary_here", N_("Temporarily here")),
    ("exempt", N_("Exempt")),
    ("temporarily_exempt", N_("Temporarily exempt")),
    ("reviews_open", N_("Removal reviews open")),
    ("reviews_decided", N_("Removal reviews decided this year")),
)


def lifecycle_sheet(wb: Workbook, rows: Sequence[OrgNumbers], _: Translate) -> None:
    """Members who move, pause or leave (issue 14): one row per organisation of the subtree,
    a committee's row adding up its cells."""
    _sheet(
        wb,
        _("Transfers and reviews"),
        [_("Code"), _("Organisation"), *(_(label) for _key, label in LIFECYCLE_COLUMNS)],
        [
            [r.code, r.name, *(getattr(r.numbers, key) for key, _label in LIFECYCLE_COLUMNS)]
            for r in rows
        ],
        [10, 28],
    )
