"""Names the command line prints for stored codes (roles, invite states, reminder kinds), so
its output speaks one language: `--json` keeps the codes, tables and sentences use these."""

from __future__ import annotations

from chibo.rules.messages import N_
from chibo.usecases.i18n import Translator
from chibo.usecases.reconciliation import KIND_LABELS as DISCREPANCY_LABELS
from chibo.usecases.reminders import SEVERITY_LABELS

ROLE_NAMES = {
    "secretary": N_("secretary"),
    "deputy": N_("deputy secretary"),
    "officer": N_("committee officer"),
}

INVITE_STATES = {
    "open": N_("open"),
    "used": N_("used"),
    "expired": N_("expired"),
    "revoked": N_("revoked"),
}

REMINDER_KINDS = {
    "probation.prepare": N_("prepare the conversion dossier"),
    "probation.due": N_("probation ends: consider conversion"),
    "probation.removal": N_("removal proposed (xóa tên): follow up"),
    "probation.vote_escalation": N_("conversion vote without 2/3: upper committees decide"),
    "probation.overdue": N_("conversion not yet considered"),
    "probation.escalation": N_("conversion not considered in time"),
    "probation.course": N_("new-member course"),
    "probation.committee_decision": N_("committee decision on conversion overdue"),
    "meeting.missing": N_("regular meeting not recorded"),
    "meeting.missing.escalation": N_("no regular meeting recorded"),
    "meeting.thematic": N_("thematic meeting this quarter"),
    "meeting.thematic.escalation": N_("no thematic meeting this quarter"),
    "meeting.absences": N_("repeated unexcused absences"),
    "meeting.task": N_("meeting task due"),
    "cell.min_members": N_("too few official members"),
    "candidate.decision": N_("admission decision overdue"),
    "candidate.ceremony": N_("admission ceremony to hold"),
    "candidate.ceremony.overdue": N_("admission ceremony overdue"),
    "candidate.certificate": N_("awareness-course certificate expiring"),
    "candidate.stalled": N_("admission file without progress"),
    "reconciliation.ask": N_("reconcile the member list"),
    "reconciliation.escalation": N_("member list not reconciled"),
    "transfer.procedure": N_("transfer: introduction letter not yet issued"),
    "transfer.letter": N_("transfer: member not yet received"),
    "transfer.temporary_end": N_("temporary transfer ends"),
    "transfer.arrivals": N_("expected arrivals not received"),
    "exemption.end": N_("temporary exemption ends"),
    "residence.meeting": N_("meet the working members living here"),
    "residence.comments": N_("yearly residence comments"),
    "leaving.notice": N_("dossier notice upward"),
    "card.request": N_("request the party card"),
    "card.handover": N_("hand over the party card"),
    "card.collect": N_("collect the party card"),
    "removal.warn": N_("removal evidence: warning"),
    "removal.review": N_("removal evidence: review"),
    "dues.month": N_("party dues month not recorded"),
    "dues.unpaid.warning": N_("party dues unpaid for two months"),
    "dues.unpaid.review": N_("party dues unpaid: removal review"),
    "dues.relief.ending": N_("dues reduction or exemption ending"),
    "badge.proposal": N_("party badges to propose"),
    "evaluation.start": N_("year-end review: members without a level"),
    "evaluation.escalation": N_("year-end review not finished"),
    "evaluation.residence": N_("year-end review: residence comments to collect"),
    "evaluation.remedy": N_("year-end review: remedy plan overdue"),
}


def _label(_: Translator, labels: dict[str, str], code: str) -> str:
    label = labels.get(code)
    return _(label) if label else code


def role_name(_: Translator, role: str) -> str:
    return _label(_, ROLE_NAMES, role)


def invite_state(_: Translator, state: str) -> str:
    return _label(_, INVITE_STATES, state)


def reminder_kind(_: Translator, kind: str) -> str:
    return _label(_, REMINDER_KINDS, kind)


def severity(_: Translator, level: str) -> str:
    return _label(_, SEVERITY_LABELS, level)


def discrepancy(_: Translator, kind: str) -> str:
    return _label(_, DISCREPANCY_LABELS, kind)
