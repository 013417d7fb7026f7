"""The report's own sentences, in the report's language: drift, item facts, notes.

Every format (HTML, Markdown) words these the same way, through the translator of the
room's language (:attr:`Report.language <facilitate.report.model.Report.language>`).
Durations, dates and numbers are formatted by the translator for that language.
"""

from __future__ import annotations

import datetime as dt

from facilitate.i18n import Translator
from facilitate.report.model import FAILED, NO_ANSWERS, NOT_ENOUGH, ItemReport, Report

ON_TIME_SECONDS = 30
"""An item within half a minute of its plan ran on time."""


def drift(t: Translator, planned: int, actual: float | None) -> tuple[str, str]:
    """Actual against planned ("on time", "+3 min", "−2 min") and ``over``/``under``/""."""
    if actual is None:
        return "", ""
    difference = round(actual) - planned
    if abs(difference) < ON_TIME_SECONDS:
        return t.gettext("on time"), ""
    if difference > 0:
        return f"+{t.duration(difference)}", "over"
    return f"−{t.duration(-difference)}", "under"


def day(t: Translator, iso: str) -> str:
    """A session's date for people ("8 de marzo de 2026"); as stored if it is not a date."""
    try:
        date = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return t.date(date)


def kind_name(t: Translator, item: ItemReport) -> str:
    """The item's activity type for people, or "Talk" for an item without one."""
    return item.type_title if item.kind is not None else t.gettext("Talk")


def item_facts(t: Translator, item: ItemReport) -> list[str]:
    """Planned and actual time, and the answers: "5 min planned", "6 min actual (+1 min)"."""
    facts = [t.gettext("{duration} planned", duration=t.duration(item.planned))]
    if item.actual is None:
        facts.append(t.gettext("not run"))
    else:
        text, _ = drift(t, item.planned, item.actual)
        actual = t.gettext("{duration} actual", duration=t.duration(item.actual))
        facts.append(f"{actual} ({text})" if text else actual)
    if item.kind is not None:
        facts.append(t.ngettext("{count} answer", "{count} answers", item.answer_count))
    return facts


def status_notice(t: Translator, item: ItemReport) -> str:
    """Why an item's results are not in the report, or "" when they are."""
    if item.status == NOT_ENOUGH:
        return t.gettext(
            "Not enough answers to show: {count}, fewer than the {k} needed"
            " to keep answers anonymous.",
            count=item.answer_count,
            k=item.k,
        )
    if item.status == NO_ANSWERS:
        return t.gettext("No answers.")
    if item.status == FAILED:
        return t.gettext(
            "This item's results could not be drawn: {error}",
            error=item.error or t.gettext("unknown error"),
        )
    return ""


def small_notice(t: Translator, item: ItemReport) -> str:
    """Said of an item shown although under its threshold (``--include-small``)."""
    return t.ngettext(
        "Shown although under the anonymity threshold of {count} answer,"
        " as asked with --include-small.",
        "Shown although under the anonymity threshold of {count} answers,"
        " as asked with --include-small.",
        item.k,
    )


def withheld_note(t: Translator, item: ItemReport) -> str:
    """What moderation left out of an item, in one sentence."""
    parts = []
    if item.pending:
        parts.append(
            t.ngettext(
                "{count} text not yet approved", "{count} texts not yet approved", item.pending
            )
        )
    if item.rejected:
        parts.append(t.ngettext("{count} text rejected", "{count} texts rejected", item.rejected))
    return t.gettext("Left out of this report: {texts}.", texts=t.join(parts))


def rehearsal_note(t: Translator, participants: int) -> str:
    """The sentence after "Rehearsal." on a rehearsal's report."""
    return t.ngettext(
        "These answers come from {count} simulated participant, not from a person.",
        "These answers come from {count} simulated participants, not from people.",
        participants,
    )


def privacy_note(t: Translator, report: Report) -> str:
    """The closing note on what the report leaves out, and why."""
    parts = [
        t.gettext(
            "Answers are anonymous: none is linked to a person, a device or a time, and"
            " answers to different items cannot be linked to one another."
        ),
        t.gettext(
            "Results of an item with fewer answers than its anonymity threshold (here {k},"
            " unless the agenda set another for the item) are shown only where asked for"
            " with --include-small.",
            k=report.k,
        )
        if report.include_small
        else t.gettext(
            "Results of an item with fewer answers than its anonymity threshold (here {k},"
            " unless the agenda set another for the item) are not shown.",
            k=report.k,
        ),
        t.gettext("Free text appears only once the facilitator approved it."),
    ]
    if report.withheld_texts:
        parts.append(
            t.ngettext(
                "{count} text that was rejected or never approved is left out.",
                "{count} texts that were rejected or never approved are left out.",
                report.withheld_texts,
            )
        )
    if report.generator:
        parts.append(t.gettext("Made with {program}.", program=report.generator))
    return " ".join(parts)
