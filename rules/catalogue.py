"""The one rules catalogue: every number the rules use, with its source and dates in force.

Each :class:`RuleEntry` is one version of a rule. Versions of one id must not overlap;
``effective_to`` is the last day a version is in force (inclusive), ``None`` = still in force.
:meth:`Catalogue.get` picks the version in force on the date of the event (ceremony date,
end of probation, meeting date, ...), as domain-rules §0 asks: the implementing regulation
changed from QĐ 24 (30/7/2021) to QĐ 232 (20/1/2025) to QĐ 294 (in force 1/7/2025).

Sources are the citations users read, in one style: "Quy định 294-QĐ/TW, điểm 4.2",
"Hướng dẫn 06-HD/TW, điểm 5.4", "Điều lệ Đảng, Điều 4" — no brackets, since messages put
them in brackets (issue 9 §5); the English catalog translates them.

Tags: "V" found in the text, "S" found in a secondary source, "R" not found in a text — a
configurable default (the configuration may override it with :meth:`Catalogue.with_overrides`).
Where no earlier text is recorded, the oldest version starts at ``date.min`` so historical
records (old ceremonies, births) can still be computed; its note says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from fractions import Fraction
from itertools import pairwise
from typing import Literal

Tag = Literal["V", "S", "R"]


@dataclass(frozen=True)
class RuleEntry:
    """One version of one rule number."""

    id: str
    value: object
    source: str
    tag: Tag
    effective_from: date
    effective_to: date | None
    note: str = ""

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


class UnknownRuleError(KeyError):
    """No such rule id, or no version of it in force on the date asked."""


class Catalogue:
    """Versioned rule numbers, with configuration overrides that apply to every date."""

    def __init__(
        self, entries: Iterable[RuleEntry], overrides: Mapping[str, object] | None = None
    ) -> None:
        by_id: dict[str, list[RuleEntry]] = {}
        for entry in entries:
            by_id.setdefault(entry.id, []).append(entry)
        for rule_id, versions in by_id.items():
            versions.sort(key=lambda e: e.effective_from)
            _check_versions(rule_id, versions)
        self._versions = by_id
        self._overrides: dict[str, object] = {}
        #: entry() answers: the catalogue does not change once built.
        self._entries: dict[tuple[str, date], RuleEntry] = {}
        for rule_id, value in (overrides or {}).items():
            self._overrides[rule_id] = self._coerce(rule_id, value)

    def ids(self) -> list[str]:
        return sorted(self._versions)

    def entries(self) -> list[RuleEntry]:
        return [e for rule_id in self.ids() for e in self._versions[rule_id]]

    def versions(self, rule_id: str) -> list[RuleEntry]:
        return list(self._known(rule_id))

    def entry(self, rule_id: str, on: date) -> RuleEntry:
        """The version in force on ``on``; an overridden value replaces the default's."""
        cached = self._entries.get((rule_id, on))
        if cached is None:
            cached = self._entries[(rule_id, on)] = self._entry(rule_id, on)
        return cached

    def _entry(self, rule_id: str, on: date) -> RuleEntry:
        for version in self._known(rule_id):
            if version.in_force(on):
                if rule_id in self._overrides:
                    note = f"{version.note} Value set by configuration.".strip()
                    return replace(version, value=self._overrides[rule_id], note=note)
                return version
        raise UnknownRuleError(f"rule {rule_id!r} has no version in force on {on.isoformat()}")

    def get(self, rule_id: str, on: date) -> object:
        """The value in force on ``on`` (a configured override wins on every date)."""
        if rule_id in self._overrides:
            self._known(rule_id)
            return self._overrides[rule_id]
        return self.entry(rule_id, on).value

    def source(self, rule_id: str, on: date) -> str:
        return self.entry(rule_id, on).source

    def get_int(self, rule_id: str, on: date) -> int:
        value = self.get(rule_id, on)
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"rule {rule_id!r} is not an integer: {value!r}")
        return value

    def get_ints(self, rule_id: str, on: date) -> tuple[int, ...]:
        value = self.get(rule_id, on)
        if not isinstance(value, tuple) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise TypeError(f"rule {rule_id!r} is not a tuple of integers: {value!r}")
        return value

    def get_fraction(self, rule_id: str, on: date) -> Fraction:
        value = self.get(rule_id, on)
        if not isinstance(value, Fraction):
            raise TypeError(f"rule {rule_id!r} is not a fraction: {value!r}")
        return value

    def get_strs(self, rule_id: str, on: date) -> tuple[str, ...]:
        value = self.get(rule_id, on)
        if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
            raise TypeError(f"rule {rule_id!r} is not a tuple of strings: {value!r}")
        return value

    def with_overrides(self, mapping: Mapping[str, object]) -> Catalogue:
        """A new catalogue where configured values replace the defaults on every date.

        Values are checked against the default's type: "2/3" or 0.75 become a Fraction where
        the default is one, lists become tuples. Unknown ids and wrong types raise ValueError.
        """
        return Catalogue(self.entries(), {**self._overrides, **mapping})

    def _known(self, rule_id: str) -> list[RuleEntry]:
        try:
            return self._versions[rule_id]
        except KeyError:
            raise UnknownRuleError(f"unknown rule {rule_id!r}") from None

    def _coerce(self, rule_id: str, value: object) -> object:
        if rule_id not in self._versions:
            raise ValueError(f"configuration overrides unknown rule {rule_id!r}")
        default = self._versions[rule_id][-1].value
        try:
            return _coerce_like(default, value)
        except (TypeError, ValueError, ZeroDivisionError) as exc:
            raise ValueError(
                f"configuration value for rule {rule_id!r} is invalid: {value!r} ({exc})"
            ) from None


def _coerce_like(default: object, value: object) -> object:
    if isinstance(default, Fraction):
        if isinstance(value, bool) or not isinstance(value, Fraction | int | float | str):
            raise TypeError("expected a fraction such as 2/3")
        return Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise TypeError("expected true or false")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("expected a whole number")
        return value
    if isinstance(default, str):
        if not isinstance(value, str):
            raise TypeError("expected text")
        return value
    if isinstance(default, tuple):
        if not isinstance(value, list | tuple):
            raise TypeError("expected a list")
        if default and len({type(v) for v in default}) == 1:
            return tuple(_coerce_like(default[0], v) for v in value)
        if len(value) != len(default):
            raise TypeError(f"expected {len(default)} items")
        return tuple(_coerce_like(d, v) for d, v in zip(default, value, strict=True))
    raise TypeError(f"cannot configure a value of type {type(default).__name__}")


def _check_versions(rule_id: str, versions: list[RuleEntry]) -> None:
    for entry in versions:
        if entry.effective_to is not None and entry.effective_to < entry.effective_from:
            raise ValueError(f"rule {rule_id!r}: version from {entry.effective_from} ends earlier")
    for earlier, later in pairwise(versions):
        if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
            raise ValueError(
                f"rule {rule_id!r}: versions from {earlier.effective_from} and "
                f"{later.effective_from} overlap"
            )


# --- the documents and the dates they came into force (domain-rules §0) -------------------

QD24_FROM = date(2021, 7, 30)  # QĐ 24-QĐ/TW, 30/7/2021
QD232_FROM = date(2025, 1, 20)  # QĐ 232-QĐ/TW, 20/1/2025
QD294_FROM = date(2025, 7, 1)  # QĐ 294-QĐ/TW of 26/5/2025, in force 1/7/2025
HD06_FROM = date(2025, 6, 9)  # HD 06-HD/TW, 9/6/2025 (replaces HD 01-HD/TW of 28/9/2021)
QD01_DUES_FROM = date(2026, 2, 1)  # QĐ 01-QĐ/TW on dues (one source: effective 1/2/2026)
_DAY = timedelta(days=1)
_BEFORE_RECORDS = "Also applied to earlier dates: no older text is recorded."


def _always(
    rule_id: str, value: object, source: str, tag: Tag, note: str = ""
) -> tuple[RuleEntry, ...]:
    """A rule with a single version, applied to every date."""
    return (RuleEntry(rule_id, value, source, tag, date.min, None, note),)


def _by_regulation(
    rule_id: str,
    value: object,
    qd24: str,
    qd232: str,
    qd294: str,
    tags: tuple[Tag, Tag, Tag],
    note: str = "",
) -> tuple[RuleEntry, ...]:
    """Three versions following the implementing regulation QĐ 24 -> QĐ 232 -> QĐ 294.

    The QĐ 24 version also covers earlier dates (older texts are not recorded here). Where the
    domain reference does not cite QĐ 232, its version is tagged "R": same number assumed.
    """
    return (
        RuleEntry(
            rule_id,
            value,
            qd24,
            tags[0],
            date.min,
            QD232_FROM - _DAY,
            f"{note} {_BEFORE_RECORDS}".strip(),
        ),
        RuleEntry(rule_id, value, qd232, tags[1], QD232_FROM, QD294_FROM - _DAY, note),
        RuleEntry(rule_id, value, qd294, tags[2], QD294_FROM, None, note),
    )


def _by_guidance(
    rule_id: str, value: object, hd01: str, hd06: str, tags: tuple[Tag, Tag], note: str = ""
) -> tuple[RuleEntry, ...]:
    """Two versions following the implementing guidance HD 01 (2021) -> HD 06 (9/6/2025)."""
    return (
        RuleEntry(
            rule_id,
            value,
            hd01,
            tags[0],
            date.min,
            HD06_FROM - _DAY,
            f"{note} {_BEFORE_RECORDS}".strip(),
        ),
        RuleEntry(rule_id, value, hd06, tags[1], HD06_FROM, None, note),
    )


def _by_dues_rule(
    rule_id: str, value: object, qd01: str, tag: Tag, note: str = ""
) -> tuple[RuleEntry, ...]:
    """Two versions around QĐ 01-QĐ/TW (dues, 2026): the earlier QĐ 342-QĐ/TW (2010) number
    is not recorded here, so the same value is applied to earlier months, tagged "R"."""
    return (
        RuleEntry(
            rule_id,
            value,
            "Quy định 342-QĐ/TW năm 2010, chưa ghi nhận; tạm dùng mức của Quy định 01-QĐ/TW",
            "R",
            date.min,
            QD01_DUES_FROM - _DAY,
            f"{note} {_BEFORE_RECORDS}".strip(),
        ),
        RuleEntry(rule_id, value, qd01, tag, QD01_DUES_FROM, None, note),
    )


REGULATION_NAME = "regulation.name"
GUIDANCE_NAME = "guidance.name"

DEFAULT_ENTRIES: tuple[RuleEntry, ...] = (
    # The implementing regulation in force, for messages that cite a section of it.
    RuleEntry(
        REGULATION_NAME,
        "QĐ 24-QĐ/TW",
        "Quy định 24-QĐ/TW ngày 30/7/2021",
        "V",
        date.min,
        QD232_FROM - _DAY,
        _BEFORE_RECORDS,
    ),
    RuleEntry(
        REGULATION_NAME,
        "QĐ 232-QĐ/TW",
        "Quy định 232-QĐ/TW ngày 20/1/2025",
        "V",
        QD232_FROM,
        QD294_FROM - _DAY,
    ),
    RuleEntry(
        REGULATION_NAME, "QĐ 294-QĐ/TW", "Quy định 294-QĐ/TW ngày 26/5/2025", "V", QD294_FROM, None
    ),
    # The implementing guidance in force, for messages that cite a section of it (the section
    # numbers of HD 06 are assumed to follow HD 01's where a message cites one).
    RuleEntry(
        GUIDANCE_NAME,
        "01-HD/TW",
        "Hướng dẫn 01-HD/TW ngày 28/9/2021",
        "V",
        date.min,
        HD06_FROM - _DAY,
        _BEFORE_RECORDS,
    ),
    RuleEntry(GUIDANCE_NAME, "06-HD/TW", "Hướng dẫn 06-HD/TW ngày 9/6/2025", "V", HD06_FROM, None),
    # --- A: admission ---
    *_by_regulation(
        "admission.min_age_months",
        18 * 12,
        "Quy định 24-QĐ/TW, điểm 1.1",
        "Quy định 232-QĐ/TW, điểm 1.1",
        "Quy định 294-QĐ/TW, điểm 1.1.1",
        ("V", "R", "V"),
        "A1: at least 18 full years, counted in months, on the day the cell considers the case.",
    ),
    *_by_regulation(
        "admission.max_age_months",
        60 * 12,
        "Quy định 24-QĐ/TW, điểm 1.1",
        "Quy định 232-QĐ/TW, điểm 1.1",
        "Quy định 294-QĐ/TW, điểm 1.1.1",
        ("V", "R", "V"),
        "A1: over 60 full years needs the provincial-level committee (exception).",
    ),
    *_by_guidance(
        "admission.awareness_cert.valid_months",
        60,
        "Hướng dẫn 01-HD/TW năm 2021",
        "Hướng dẫn 06-HD/TW, điểm 5.4",
        ("R", "S"),
        "A3: block the cell resolution when the certificate is older on the meeting date.",
    ),
    *_always(
        "admission.awareness_cert.warn_months",
        54,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "A3: warn when the certificate reaches this age.",
    ),
    *_always(
        "admission.awareness_cert.expiry_reminder_days",
        90,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "A3: remind this many days before the certificate expires.",
    ),
    *_always(
        "admission.paper.valid_months",
        6,
        "Hướng dẫn 01-HD/TW năm 2021, theo trích dẫn",
        "R",
        "A4: application, introducers' letters, mass-organisation resolutions, comments; "
        "from signing to the cell meeting. Some units apply 12 months.",
    ),
    *_always(
        "admission.background.valid_months",
        12,
        "Hướng dẫn 01-HD/TW năm 2021, theo trích dẫn",
        "R",
        "A4: background statement and verification, from the grassroots committee's conclusion.",
    ),
    *_always(
        "admission.paper.warn_days",
        30,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "A4: warn this many days before a paper expires.",
    ),
    *_by_regulation(
        "admission.introducer.overlap_months",
        12,
        "Điều lệ Đảng, Điều 4; Quy định 24-QĐ/TW, điểm 3.2.1",
        "Điều lệ Đảng, Điều 4; Quy định 232-QĐ/TW, điểm 3.2.1",
        "Điều lệ Đảng, Điều 4; Quy định 294-QĐ/TW, điểm 3.2.1",
        ("V", "R", "V"),
        "A7: worked, studied or lived with the candidate at least this long in the same unit.",
    ),
    *_always(
        "admission.introducer.count",
        2,
        "Điều lệ Đảng, Điều 4",
        "V",
        "A7: official members introducing the candidate.",
    ),
    *_always(
        "admission.youth.max_age_years",
        30,
        "Luật Thanh niên: từ 16 đến 30 tuổi; Điều lệ Đảng, Điều 4",
        "R",
        "A8: up to this age a Youth Union member may be introduced by 1 member + the Đoàn "
        "grassroots executive committee.",
    ),
    *_always(
        "admission.introducer.trade_union_route",
        True,
        "Điều lệ Đảng, Điều 4, theo trích dẫn về đoàn viên công đoàn, chưa kiểm chứng",
        "R",
        "A8: a trade-union member may be introduced by 1 official member + the resolution of "
        "the grassroots trade-union executive committee. Set false to require 2 members.",
    ),
    *_by_guidance(
        "vote.min_ratio",
        Fraction(2, 3),
        "Điều lệ Đảng, Điều 4–5; Hướng dẫn 01-HD/TW năm 2021",
        "Điều lệ Đảng, Điều 4–5; Hướng dẫn 06-HD/TW, điểm 3.6b",
        ("R", "S"),
        "A9/P6: share of the cell's official members (vote base) who must agree. The 2/3 rule "
        "is the Charter's; the guidance cited follows the date of the vote.",
    ),
    *_by_regulation(
        "admission.committee_decision.deadline_wd",
        60,
        "Quy định 29-QĐ/TW, điểm 4.3.1, theo trích dẫn",
        "Quy định 232-QĐ/TW, điểm 4.3.1",
        "Quy định 294-QĐ/TW, điểm 4.3.1",
        ("V", "V", "R"),
        "A10: working days from the cell resolution to the committee's decision. The QĐ 294 "
        "wording is assumed unchanged.",
    ),
    *_by_regulation(
        "admission.committee_decision.extension_wd",
        30,
        "Quy định 29-QĐ/TW, điểm 4.3.1, theo trích dẫn",
        "Quy định 232-QĐ/TW, điểm 4.3.1",
        "Quy định 294-QĐ/TW, điểm 4.3.1",
        ("V", "V", "R"),
        "A10: at most this many extra working days in special cases.",
    ),
    *_always(
        "admission.committee_decision.reminders_wd",
        (40, 60),
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "A10: chase the decision at these working days after the cell resolution.",
    ),
    *_by_regulation(
        "admission.ceremony.deadline_wd",
        30,
        "Quy định 24-QĐ/TW, điểm 4.1",
        "Quy định 232-QĐ/TW, điểm 4.1",
        "Quy định 294-QĐ/TW, điểm 4",
        ("V", "V", "V"),
        "A11: working days from receiving the decision; later needs the upper level's consent.",
    ),
    *_always(
        "admission.ceremony.reminders_wd",
        (15, 25),
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "A11: remind at these working days after the decision was received.",
    ),
    *_always(
        "member.background.deadline_wd",
        30,
        "Hướng dẫn 12-HD/BTCTW năm 2022, điểm 2.2",
        "S",
        "A12: the new member fills in the party-member background after the ceremony.",
    ),
    *_by_regulation(
        "readmission.min_months_since_leaving",
        36,
        "Quy định 24-QĐ/TW, điểm 3.5",
        "Quy định 232-QĐ/TW, điểm 3.5",
        "Quy định 294-QĐ/TW, điểm 3.5",
        ("V", "R", "V"),
        "A13: partly verified.",
    ),
    *_always(
        "candidate.stalled_months",
        6,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "Warn when a candidate's file has had no step for this many months.",
    ),
    *_always(
        "admission.yearly_target_ratio",
        (Fraction(3, 100), Fraction(4, 100)),
        "Kế hoạch của tỉnh ủy và cấp ủy cấp trên: kết nạp 3–4% số đảng viên mỗi năm",
        "R",
        "Yearly admissions as a share of the members at the start of the year (min, max).",
    ),
    # --- P: probation and conversion ---
    *_always(
        "probation.months",
        12,
        "Điều lệ Đảng, Điều 5",
        "V",
        "P1: counted from the admission ceremony, not the decision. Charter 2011; also applied "
        "to earlier ceremonies (older charters not checked).",
    ),
    *_by_guidance(
        "probation.course.reminder_months",
        (3, 6, 9),
        "Hướng dẫn 01-HD/TW năm 2021, điểm 4",
        "Hướng dẫn 01-HD/TW năm 2021, điểm 4, được Hướng dẫn 06-HD/TW kế thừa",
        ("V", "R"),
        "P3: remind at these months of probation while the new-member course is not recorded.",
    ),
    *_by_guidance(
        "probation.course.warn_month",
        10,
        "Hướng dẫn 01-HD/TW năm 2021, điểm 4",
        "Hướng dẫn 01-HD/TW năm 2021, điểm 4, được Hướng dẫn 06-HD/TW kế thừa",
        ("R", "R"),
        "P3: from this month of probation the missing certificate is a warning.",
    ),
    *_always(
        "probation.conversion.prepare_days",
        (45, 15),
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "P5: remind to prepare the conversion dossier this many days before probation ends.",
    ),
    *_always(
        "probation.conversion.overdue_repeat_days",
        7,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "P5: repeat the overdue reminder every this many days while no cell resolution.",
    ),
    *_always(
        "probation.conversion.resolution_on_end_day",
        False,
        "Quy định 294-QĐ/TW, điểm 4.2 và sổ tay nghiệp vụ của tỉnh ủy: nghị quyết ghi ngày sau "
        "khi hết thời gian dự bị; bản tự kiểm điểm viết sau khi đủ 12 tháng, Hướng dẫn "
        "01-HD/TW năm 2021, điểm 4",
        "R",
        "P5: whether a cell resolution on the conversion may be dated on the last day of "
        "probation. Default: no, it is dated after it (the reading is the bot's; true accepts "
        "the end day, read as the day the 12 months are complete).",
    ),
    *_by_regulation(
        "probation.conversion.cell_deadline_wd",
        30,
        "Quy định 24-QĐ/TW, điểm 4.2.1",
        "Quy định 232-QĐ/TW, điểm 4.2.1",
        "Quy định 294-QĐ/TW, điểm 4.2",
        ("V", "R", "V"),
        "P5: working days after probation ends for the cell to consider the conversion; "
        "then escalate to the officers above.",
    ),
    *_by_regulation(
        "probation.conversion.committee_deadline_wd",
        30,
        "Quy định 29-QĐ/TW, điểm 4.3.1, theo trích dẫn",
        "Quy định 232-QĐ/TW, điểm 4.3.1",
        "Quy định 294-QĐ/TW, điểm 4.3.1",
        ("V", "V", "R"),
        "P7: working days from the cell resolution to the committee's conversion decision. "
        "The QĐ 294 wording is assumed unchanged.",
    ),
    *_by_regulation(
        "probation.conversion.committee_extension_wd",
        30,
        "Quy định 29-QĐ/TW, điểm 4.3.1, theo trích dẫn",
        "Quy định 232-QĐ/TW, điểm 4.3.1",
        "Quy định 294-QĐ/TW, điểm 4.3.1",
        ("V", "V", "R"),
        "P7: at most this many extra working days.",
    ),
    *_always(
        "probation.removal.follow_up_days",
        30,
        "Mặc định của Trợ lý Chi bộ; xóa tên theo Điều lệ Đảng, Điều 5 và "
        "Quy định 24-QĐ/TW, 294-QĐ/TW, điểm 4.2.3",
        "R",
        "P6: after the cell finds a probationary member not eligible and proposes removal "
        "(xóa tên), remind it to follow up every this many days until the roster shows the "
        "committee's decision.",
    ),
    *_by_regulation(
        "probation.conversion.max_vote_rounds",
        3,
        "Điều lệ Đảng, Điều 5; Quy định 24-QĐ/TW, điểm 4.2.3",
        "Điều lệ Đảng, Điều 5; Quy định 232-QĐ/TW, điểm 4.2.3",
        "Điều lệ Đảng, Điều 5; Quy định 294-QĐ/TW, điểm 4.2.3",
        ("V", "R", "V"),
        "P6: after this many votes without 2/3 either way, the upper committees decide.",
    ),
    # --- M: meetings and the cell ---
    *_always(
        "meeting.monthly.remind_day",
        25,
        "Điều lệ Đảng, Điều 24, khoản 2; ngày nhắc là mặc định của Trợ lý Chi bộ",
        "R",
        "M1: remind on this day of the month if no regular meeting is logged.",
    ),
    *_always(
        "meeting.monthly.escalate_days",
        5,
        "Điều lệ Đảng, Điều 24, khoản 2; thời hạn nhắc là mặc định của Trợ lý Chi bộ",
        "R",
        "M1: escalate this many days after the month's end if no meeting is logged.",
    ),
    *_always(
        "meeting.thematic.remind_day",
        15,
        "Hướng dẫn 12-HD/BTCTW ngày 6/7/2018; ngày nhắc là mặc định của Trợ lý Chi bộ",
        "R",
        "M2: remind on this day of the quarter's last month if no thematic meeting is logged.",
    ),
    *_always(
        "meeting.thematic.escalate_days",
        1,
        "Hướng dẫn 12-HD/BTCTW ngày 6/7/2018; thời hạn nhắc là mặc định của Trợ lý Chi bộ",
        "R",
        "M2: escalate this many days after the quarter's last day (1 = the first day after the "
        "quarter, once the cell can no longer meet in it; 0 = on the last day).",
    ),
    *_always(
        "meeting.pilot_group.max_per_year",
        3,
        "Hướng dẫn 03-HD/TW ngày 27/12/2022",
        "S",
        "M3: meetings by party group instead of the whole cell, per year.",
    ),
    *_always(
        "meeting.pilot_group.min_members",
        50,
        "Hướng dẫn 03-HD/TW ngày 27/12/2022",
        "S",
        "M3: only cells with party groups and at least this many members.",
    ),
    *_always(
        "meeting.rating_levels",
        ("Tốt", "Khá", "Trung bình", "Kém"),
        "Hướng dẫn 12-HD/BTCTW ngày 6/7/2018; quy định của tỉnh, mặc định",
        "R",
        "Meeting quality levels, best first; provinces may set their own.",
    ),
    *_always(
        "cell.min_official_members",
        3,
        "Điều lệ Đảng, Điều 24, khoản 1",
        "V",
        "M5: fewer official members: the upper level must reassign or merge; no valid vote.",
    ),
    # --- §6.5 removal from the list (xóa tên) ---
    *_by_regulation(
        "attendance.unexcused.removal_threshold",
        3,
        "Điều lệ Đảng, Điều 2; Quy định 24-QĐ/TW, điểm 8.1",
        "Điều lệ Đảng, Điều 2; Quy định 232-QĐ/TW, điểm 8.1",
        "Điều lệ Đảng, Điều 2; Quy định 294-QĐ/TW, điểm 8.1",
        ("V", "R", "V"),
        "§6.5(a): months of party activity skipped without valid reason in a year -> raise a "
        "xóa tên review (never automatic).",
    ),
    *_always(
        "attendance.unexcused.warn_at",
        2,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "§6.5: warn at this many unexcused absences in the window.",
    ),
    *_always(
        "attendance.unexcused.window_months",
        12,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "§6.5: 'three months in a year' is undefined; counted over a rolling window and the "
        "calendar year.",
    ),
    *_by_regulation(
        "dues.unpaid.removal_threshold",
        3,
        "Quy định 24-QĐ/TW, điểm 8.1",
        "Quy định 232-QĐ/TW, điểm 8.1",
        "Quy định 294-QĐ/TW, điểm 8.1; Quy định 01-QĐ/TW năm 2026",
        ("V", "R", "V"),
        "§6.5(a)/§6.6: months of dues unpaid in a year without valid reason -> xóa tên review.",
    ),
    # --- §6.1-6.5, 6.7, 6.9, 6.10 members who move, pause, work elsewhere or leave ---
    *_by_regulation(
        "transfer.procedure_wd",
        60,
        "Quy định 24-QĐ/TW, điểm 6.3.1",
        "Quy định 232-QĐ/TW, điểm 6.3.1",
        "Quy định 294-QĐ/TW, điểm 6.3.1",
        ("V", "R", "V"),
        "§6.1: the member starts the official transfer within this many working days of the "
        "decision taking effect or of moving (trigger date).",
    ),
    *_always(
        "transfer.procedure.reminders_wd",
        (30, 50),
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "§6.1: remind the cell this many working days after the trigger while no introduction "
        "letter is recorded.",
    ),
    *_by_regulation(
        "transfer.letter_wd",
        30,
        "Quy định 24-QĐ/TW, điểm 6.3.1",
        "Quy định 232-QĐ/TW, điểm 6.3.1",
        "Quy định 294-QĐ/TW, điểm 6.3.1",
        ("V", "R", "V"),
        "§6.1: the introduction letter is presented to the receiving cell committee within "
        "this many working days of being introduced.",
    ),
    *_always(
        "transfer.letter.reminder_wd",
        20,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "§6.1: remind this many working days after the introduction letter while the member "
        "has not been received.",
    ),
    *_by_guidance(
        "transfer.arrival_late_months",
        3,
        "Hướng dẫn 01-HD/TW năm 2021, điểm 8",
        "Hướng dẫn 06-HD/TW",
        ("V", "R"),
        "§6.2: the grassroots committee checks incoming notices every 3 months and reports "
        "members this many months late with their papers. HD 06 assumed to keep it.",
    ),
    *_by_regulation(
        "transfer.temporary.min_months",
        3,
        "Quy định 24-QĐ/TW, điểm 6.3.2",
        "Quy định 232-QĐ/TW, điểm 6.3.2",
        "Quy định 294-QĐ/TW, điểm 6.3.2",
        ("V", "V", "V"),
        "§6.3: a temporary transfer lasts at least this many months.",
    ),
    *_by_regulation(
        "transfer.temporary.max_months",
        12,
        "Quy định 24-QĐ/TW, điểm 6.3.2",
        "Quy định 232-QĐ/TW, điểm 6.3.2",
        "Quy định 294-QĐ/TW, điểm 6.3.2",
        ("V", "V", "V"),
        "§6.3: a temporary transfer for work or residence lasts under this many months.",
    ),
    *_by_regulation(
        "transfer.temporary.study_max_months",
        24,
        "Quy định 24-QĐ/TW, điểm 6.3.2",
        "Quy định 232-QĐ/TW, điểm 6.3.2",
        "Quy định 294-QĐ/TW, điểm 6.3.2",
        ("V", "V", "V"),
        "§6.3: full-time study in Vietnam: a temporary transfer of up to this many months.",
    ),
    *_always(
        "transfer.temporary.end_reminder_days",
        30,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "§6.3: remind this many days before a temporary transfer ends.",
    ),
    *_by_guidance(
        "exemption.temporary.max_months",
        12,
        "Hướng dẫn 01-HD/TW năm 2021, điểm 10.3",
        "Hướng dẫn 06-HD/TW",
        ("V", "R"),
        "§6.4: a temporary exemption (tạm miễn) lasts under this many months. HD 06 assumed to "
        "keep it.",
    ),
    *_always(
        "exemption.temporary.end_reminder_days",
        30,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "§6.4: remind this many days before a temporary exemption ends.",
    ),
    *_always(
        "residence.meeting_interval_months",
        6,
        "Quy định 213-QĐ/TW ngày 2/1/2020; Hướng dẫn 33-HD/BTCTW ngày 30/10/2020",
        "V",
        "§6.9: the residence cell meets the working members living there this often.",
    ),
    *_always(
        "residence.comments_month",
        11,
        "Quy định 213-QĐ/TW ngày 2/1/2020, nhận xét hằng năm;"
        " tháng nhắc là mặc định của Trợ lý Chi bộ",
        "R",
        "§6.9/E6: remind the residence cell on the 1st of this month to send its yearly "
        "comments before the workplace evaluation.",
    ),
    *_by_regulation(
        "removal.education_months",
        12,
        "Quy định 24-QĐ/TW, điểm 8.1",
        "Quy định 232-QĐ/TW, điểm 8.1",
        "Quy định 294-QĐ/TW, điểm 8.1",
        ("V", "R", "V"),
        "§6.5(c): no progress this many months after the cell began re-educating the member.",
    ),
    *_always(
        "removal.education_warn_months",
        10,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "§6.5(c): warn this many months after the re-education began.",
    ),
    *_by_regulation(
        "removal.kht_years",
        2,
        "Quy định 24-QĐ/TW, điểm 8.1: hai năm liên tiếp không hoàn thành nhiệm vụ",
        "Quy định 232-QĐ/TW, điểm 8.1: hai năm liên tiếp không hoàn thành nhiệm vụ",
        "Quy định 294-QĐ/TW, điểm 8.1: hai năm liên tiếp không hoàn thành nhiệm vụ",
        ("R", "R", "R"),
        "§6.5(d): consecutive years violating member standards; 1 year warns (E5).",
    ),
    *_by_guidance(
        "dossier.notice_wd",
        30,
        "Hướng dẫn 01-HD/TW năm 2021, điểm 8",
        "Hướng dẫn 06-HD/TW",
        ("V", "R"),
        "§6.10: notices of deceased members or members who left go upward with their dossiers "
        "within this many working days.",
    ),
    *_always(
        "dossier.notice.reminder_wd",
        20,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "§6.10: remind this many working days after the member left while no notice is sent.",
    ),
    # --- §7 reconciliation ---
    *_always(
        "reconciliation.period_ends",
        ((6, 30), (12, 31)),
        "Hướng dẫn 01-HD/TW năm 2021, điểm 8: 6 tháng một lần;"
        " mốc chốt là mặc định của Trợ lý Chi bộ",
        "R",
        "(month, day) of each half-year cut-off.",
    ),
    *_by_guidance(
        "reconciliation.interval_months",
        6,
        "Hướng dẫn 01-HD/TW năm 2021, điểm 8",
        "Hướng dẫn 06-HD/TW",
        ("V", "R"),
        "§7: the member list is checked against the members' files this often. HD 06 is "
        "assumed to keep HD 01's rule (its text was not readable).",
    ),
    *_always(
        "reconciliation.ask_from_day",
        15,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "Ask for the reconciliation from this day of the period's last month.",
    ),
    *_always(
        "reconciliation.escalate_days",
        15,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "Escalate this many days after the period's end if not done.",
    ),
    *_always(
        "reconciliation.near_match.min_name_similarity",
        Fraction(9, 10),
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "Two unmatched rows with the same birth date are flagged as one person with a likely "
        "typo when their folded names are at least this similar (rules.text.similar_names).",
    ),
    # --- §5 evaluation ---
    *_always(
        "evaluation.htxs_cap_ratio",
        Fraction(1, 5),
        "Quy định 132-QĐ/TW, Hướng dẫn 21-HD/BTCTW năm 2019;"
        " chưa kiểm chứng với Quy định 366-QĐ/TW, Hướng dẫn 43-HD/BTCTW",
        "R",
        "E3: party members rated HTXS at most this share of those rated HTT. Warn only.",
    ),
    # --- §6.6 party dues (QĐ 01-QĐ/TW, 2026) and P9 party age ---
    *_by_dues_rule(
        "dues.rate.insured_salary",
        Fraction(1, 100),
        "Quy định 01-QĐ/TW năm 2026:"
        " đảng viên có đóng bảo hiểm xã hội đóng 1% tiền lương đóng bảo hiểm tháng trước",
        "V",
        "§6.6: share of the declared base (insured salary; sickness/maternity benefit on leave).",
    ),
    *_by_dues_rule(
        "dues.rate.pension",
        Fraction(1, 200),
        "Quy định 01-QĐ/TW năm 2026: đảng viên hưởng lương hưu đóng 0,5% lương hưu",
        "V",
        "§6.6: share of the declared pension.",
    ),
    *_by_dues_rule(
        "dues.exempt.party_age_years",
        50,
        "Quy định 01-QĐ/TW năm 2026: miễn đóng đảng phí khi đủ 50 năm tuổi đảng",
        "V",
        "§6.6: exempt from the month party age (P9, gaps subtracted) reaches this many years.",
    ),
    *_by_dues_rule(
        "dues.reduction.percents",
        (30, 50, 70),
        "Quy định 01-QĐ/TW năm 2026: giảm đảng phí khi khó khăn",
        "V",
        "§6.6: the reductions a decision may grant, in percent of the amount due.",
    ),
    *_by_dues_rule(
        "dues.reduction.max_months",
        12,
        "Quy định 01-QĐ/TW năm 2026: giảm đảng phí khi khó khăn",
        "V",
        "§6.6: months one reduction decision may cover at most.",
    ),
    *_always(
        "dues.unpaid.warn_at",
        2,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "§6.5(a)/§6.6: warn when a member's months unpaid without a valid reason reach this "
        "many in a window (calendar year or rolling window).",
    ),
    *_always(
        "dues.unpaid.window_months",
        12,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "§6.5: 'three months in a year' is undefined; counted over the calendar year and over "
        "a rolling window of this many months, either one reaching the threshold counts.",
    ),
    *_always(
        "dues.record.remind_day",
        5,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "§6.6: remind the secretary on this day of the next month when the cell's dues month "
        "is not recorded; only for cells that keep the ledger in the bot.",
    ),
    *_always(
        "dues.relief.ending_notice_days",
        30,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "§6.6: remind this many days before a reduction or an exemption with an end ends.",
    ),
    *_always(
        "dues.cell_share",
        Fraction(3, 10),
        "Chưa kiểm chứng: chưa thấy tỷ lệ trong Quy định 01-QĐ/TW;"
        " theo thực tiễn thời Quy định 342-QĐ/TW, chi bộ trực thuộc đảng ủy cơ sở giữ lại 30%",
        "R",
        "§6.6: share of the dues collected that the cell keeps; set [rules] dues.cell_share.",
    ),
    *_by_guidance(
        "badge.milestones",
        (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90),
        "Hướng dẫn 01-HD/TW năm 2021, điểm 18",
        "Hướng dẫn 01-HD/TW năm 2021, điểm 18, có thể được Hướng dẫn 06-HD/TW kế thừa;"
        " chưa thấy quy định riêng về Huy hiệu Đảng",
        ("V", "R"),
        "§6.8: years of party age (P9). A milestone is reached on the anniversary of the "
        "decision (29/2 -> 28/2, Civil Code 2015 Art. 148, a reading), moved by the gaps.",
    ),
    *_by_guidance(
        "badge.award_dates",
        ((2, 3), (5, 19), (9, 2), (11, 7)),
        "Hướng dẫn 01-HD/TW năm 2021, điểm 18",
        "Hướng dẫn 01-HD/TW năm 2021, điểm 18, có thể được Hướng dẫn 06-HD/TW kế thừa",
        ("V", "R"),
        "§6.8: (month, day) of the award dates: 3/2, 19/5, 2/9, 7/11.",
    ),
    *_by_guidance(
        "badge.early.max_months",
        ((65, 12), (90, 24)),
        "Hướng dẫn 01-HD/TW năm 2021, điểm 18",
        "Hướng dẫn 01-HD/TW năm 2021, điểm 18, có thể được Hướng dẫn 06-HD/TW kế thừa",
        ("V", "R"),
        "§6.8: seriously ill members, on request: (up to milestone, months early) — at most 12 "
        "months for 30-65 years, 24 months for 70-90 years.",
    ),
    *_always(
        "badge.proposal.lead_days",
        45,
        "Mặc định của Trợ lý Chi bộ; mỗi tỉnh tự quy định hạn nộp",
        "R",
        "§6.8: the proposal list goes to the committee above this many days before an award date.",
    ),
    *_always(
        "badge.proposal.notice_days",
        15,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "§6.8: remind the cell this many days before the proposal deadline.",
    ),
    *_always(
        "evaluation.score_bands",
        (90, 70, 50),
        "Quy định 366-QĐ/TW ngày 30/8/2025, Điều 11",
        "V",
        "E1: lowest score of HTXS, HTT and HT on 100 points; below the last is KHT.",
    ),
    *_always(
        "evaluation.remind_from",
        (11, 1),
        "Hướng dẫn hằng năm, ví dụ Công văn 10072-CV/BTCTW ngày 6/11/2025",
        "R",
        "(month, day) of the reviewed year from which secretaries are reminded.",
    ),
    *_always(
        "evaluation.remind_before_days",
        7,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "Remind the cell again this many days before the campaign's review deadline.",
    ),
    *_always(
        "evaluation.escalate_days",
        1,
        "Mặc định của Trợ lý Chi bộ, có thể điều chỉnh",
        "R",
        "Escalate to officers this many days after the review deadline if the cell is not done.",
    ),
    *_always(
        "evaluation.target_ratio",
        Fraction(9, 10),
        "Chương trình 27-CTr/HU; kế hoạch của Lạc Dương: trên 90% hoàn thành tốt nhiệm vụ trở lên",
        "R",
        "Targets: more than this share of members, and of grassroots organisations, rated "
        "'hoàn thành tốt nhiệm vụ' or better each year.",
    ),
)

DEFAULT_CATALOGUE = Catalogue(DEFAULT_ENTRIES)
