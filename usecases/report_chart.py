"""The report's PNG: a heat map of meetings held, cell × month (matplotlib, Agg backend).

It renders `usecases.status.Report` only. Up to `MAX_ROWS` cells get a row each (the number
of meetings held that month); a larger subtree gets a row per organisation directly below the
root, showing the share of its cells that held their regular meeting that month.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from chibo.usecases.report_xlsx import month_label
from chibo.usecases.status import Report

Translate = Callable[..., str]
MAX_ROWS = 40


def _matrix(report: Report, _: Translate) -> tuple[list[str], list[list[float]], str, bool]:
    """Row labels, values, the colour bar's label, and whether values are shares."""
    if len(report.cells) <= MAX_ROWS:
        labels = [f"{c.cell.code} · {c.cell.name}"[:40] for c in report.cells]
        values = [[float(c.months.get(m, 0)) for m in report.months] for c in report.cells]
        return labels, values, _("Meetings held"), False
    labels, values = [], []
    for org in report.children:
        mine = [c for c in report.cells if c.cell.child_id == org.id]
        if not mine:
            continue
        labels.append(f"{org.code} · {org.name}"[:40])
        values.append(
            [sum(1 for c in mine if m in c.regular_month_keys) / len(mine) for m in report.months]
        )
    return labels, values, _("Share of cells with a regular meeting"), True


def heat_map(report: Report, _: Translate) -> bytes:
    """The chart as PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels, values, legend, shares = _matrix(report, _)
    rows, cols = max(len(labels), 1), max(len(report.months), 1)
    width, height = min(4 + 0.6 * cols, 16), min(1.6 + 0.32 * rows, 20)
    # a large chart is drawn at a lower resolution: 16 × 20 in at 80 dpi is still 1280 × 1600 px
    fig = Figure(figsize=(width, height), dpi=110 if rows <= MAX_ROWS else 80)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    data = values or [[0.0] * cols]
    top = 1.0 if shares else max(2.0, max((max(r) for r in data), default=0.0))
    image = ax.imshow(data, aspect="auto", cmap="Greens", vmin=0, vmax=top, interpolation="nearest")
    ax.set_xticks(
        range(len(report.months)),
        [month_label(m) for m in report.months],
        rotation=45,
        ha="right",
        fontsize=8,
    )
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    if rows * cols <= 600:
        for i, row in enumerate(values):
            for j, v in enumerate(row):
                text = f"{v:.0%}" if shares else f"{v:.0f}"
                ax.text(
                    j,
                    i,
                    text,
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if v > top * 0.6 else "black",
                )
    # a fixed title position and axis-label positions: matplotlib would otherwise measure
    # every tick label on each draw to place them (a tenth of a second with 100 rows)
    ax.set_title(
        _("Meetings held — {org} ({code})", org=report.root.name, code=report.root.code),
        fontsize=10,
        y=1.0,
        pad=6,
    )
    ax.xaxis.set_label_coords(0.5, 0.0)
    ax.yaxis.set_label_coords(0.0, 0.5)
    fig.colorbar(image, ax=ax, label=legend, fraction=0.04)
    # fixed margins instead of tight_layout (which draws the whole figure once more): room for
    # 40-character labels at 8 pt on the left, the month labels below, the title above
    label_in = 0.3 + 0.065 * max((len(x) for x in labels), default=0)
    fig.subplots_adjust(
        left=min(label_in / width, 0.5),
        right=0.97,
        bottom=min(0.75 / height, 0.4),
        top=1 - min(0.45 / height, 0.2),
    )
    buf = io.BytesIO()
    # zlib's fastest level: a heat map is flat colour, so the file is barely larger and the
    # encoding takes a quarter of the time
    fig.savefig(buf, format="png", pil_kwargs={"compress_level": 1})
    return buf.getvalue()
