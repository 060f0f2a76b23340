"""Files of the year-end evaluation: the cell's year list as a committee files it (XLSX) and
the officers' chart (share rated HTT or better per organisation against the target line).

They render `usecases.evaluation.CellReview` / `EvaluationView` only; nothing is computed here.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from chibo.rules.evaluation import LEVEL_LABELS, format_score
from chibo.usecases.evaluation import CellReview, EvaluationView, MemberLine

Translate = Callable[..., str]
DATE_FORMAT = "DD/MM/YYYY"


def _level(_: Translate, level: str | None) -> str:
    return _(LEVEL_LABELS[level]) if level else ""


def _notes(_: Translate, line: MemberLine) -> str:
    parts = []
    r = line.review
    if line.status == "probationary":
        parts.append(_("probationary member"))
    if line.status == "exempt":
        parts.append(_("exempt from party work and activities"))
    if r is not None and r.score is not None:
        parts.append(_("score {score}", score=format_score(r.score)))
    if line.kht_last_year:
        parts.append(_("rated KHT the year before"))
    if r is not None and r.notes:
        parts.append(r.notes)
    return "; ".join(parts)


def cell_list_xlsx(review: CellReview, _: Translate) -> bytes:
    """Name, level proposed by the cell, level decided, notes: one row per member reviewed
    (exempt members rated by the cell follow)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = str(review.year)
    bold = Font(bold=True)
    ws.append([_("LIST OF PARTY MEMBERS' QUALITY RATINGS, {year}", year=review.year)])
    ws.append([f"{review.org.name} ({review.org.code})"])
    ws.append([])
    head = [
        _("No."),
        _("Full name"),
        _("Level proposed by the cell"),
        _("Level decided"),
        _("Notes"),
    ]
    ws.append(head)
    for cell in ws[4]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws["A1"].font = bold
    rated_exempt = [x for x in review.exempt if x.review and x.review.final_level]
    for n, line in enumerate([*review.lines, *rated_exempt], start=1):
        r = line.review
        ws.append(
            [
                n,
                line.member.full_name,
                _level(_, r.proposed_level if r else None),
                _level(_, r.decided_level if r else None),
                _notes(_, line),
            ]
        )
    for col, width in zip("ABCDE", (6, 30, 26, 26, 40), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def chart_png(view: EvaluationView, _: Translate) -> bytes:
    """Share of members rated HTT or better per organisation, with the target line."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    lines = view.lines or [view.total]
    labels = [f"{x.code}"[:20] for x in lines]
    shares = [float(x.members_target.share or 0) for x in lines]
    target = float(view.ratio)
    percent = f"{target * 100:g}"
    fig = Figure(figsize=(min(4 + 0.5 * len(lines), 16), 4.5), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    colours = ["#2e7d32" if s > target else "#c62828" for s in shares]
    ax.bar(range(len(lines)), shares, color=colours)
    ax.axhline(target, color="black", linestyle="--", linewidth=1)
    ax.text(
        len(lines) - 0.5,
        target,
        _("target {p}%", p=percent),
        ha="right",
        va="bottom",
        fontsize=8,
    )
    ax.set_ylim(0, 1.05)
    ax.set_xticks(range(len(lines)), labels, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel(_("Members rated HTT or better"))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    for i, s in enumerate(shares):
        ax.text(i, s + 0.01, f"{s:.0%}", ha="center", va="bottom", fontsize=7)
    ax.set_title(
        _(
            "Year-end evaluation {year} — {org} ({code})",
            year=view.year,
            org=view.root.name,
            code=view.root.code,
        ),
        fontsize=10,
    )
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
