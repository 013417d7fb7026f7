"""Answers, running tallies and moderation: everything the engine asks of activity types.

Every call into plugin code goes through :meth:`Answers.guard`: a type that raises marks
its item as failed (the room is told the item has a problem, the facilitator why) and
the workshop goes on. Every call gets an :class:`~facilitate.activity.ItemContext` in the
room's language; types written before contexts existed are called without one.

Moderation leaves nothing of a rejected text: it is erased from the answers that carry
it, in memory and on disk, and one sent again later is erased before it is stored. An
approval is stored with the answers it applies to, never as an id of the text, so the
session file cannot confirm a guess at words that are no longer in it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from facilitate import anonymity, events
from facilitate.activity import ActivityType, Answer, ItemContext, Tally, call
from facilitate.engine.access import RoomAccess
from facilitate.engine.runs import (
    APPROVED,
    OPEN,
    PENDING,
    REJECTED,
    ItemRun,
    NotJoined,
    PendingText,
    PluginError,
    legacy_text_id,
    text_id,
    text_key,
)
from facilitate.engine.session_log import RecordKind, SessionLog
from facilitate.forms import AnswerError, ExportCell, Form, RawForm
from facilitate.i18n import translator
from facilitate.model import Agenda, Item
from facilitate.plugins import Plugins
from facilitate.store import Store
from facilitate.views import View

log = logging.getLogger(__name__)


class EngineContext(ItemContext):
    """An item's context inside a running workshop; remembers which results it read."""

    def __init__(self, answers: Answers, run: ItemRun) -> None:
        item = run.item
        assert item.activity is not None
        super().__init__(
            item.id,
            answers.agenda.language,
            k=answers.agenda.k_for(item),
            phase=run.phase,
            revealed=run.revealed,
            settings=item.activity.settings,
            catalog=answers.activity_type(item).catalog,
        )
        self._answers = answers
        self.read: dict[str, int] = {}
        """Items whose results were read, with their versions then (see Answers.form)."""

    def result_of(self, item_id: str) -> Any | None:
        run = self._answers.runs.get(item_id)
        if run is not None:
            self.read.setdefault(item_id, run.version)
        try:
            return self._answers.result(item_id)
        except (KeyError, PluginError):
            return None


class Answers:
    """Each item's answers under pseudonyms, its running tally and its moderation."""

    def __init__(
        self,
        agenda: Agenda,
        runs: dict[str, ItemRun],
        plugins: Plugins,
        store: Store,
        log: SessionLog,
        access: RoomAccess,
        publish: Callable[[events.Event], None],
    ) -> None:
        self.agenda = agenda
        self.runs = runs
        self.plugins = plugins
        self.store = store
        self.log = log
        self.access = access
        self.publish = publish
        self._text_key: tuple[str, bytes] | None = None
        self._legacy: list[dict[str, Any]] = []
        """Moderation records written by facilitate 0.1 (by unkeyed text id), to apply
        once the answers are loaded (see :meth:`restore_moderation`)."""

    # -- the activity type ---------------------------------------------------------

    def activity_type(self, item: Item) -> ActivityType[Any, Any]:
        assert item.activity is not None
        return self.plugins.activity_type(item.activity.type)

    def config(self, item: Item) -> Any:
        assert item.activity is not None
        return item.activity.config

    def context(self, item_id: str) -> EngineContext:
        """The item's context, made again only when its phase or reveal changes (it is
        asked for on every answer)."""
        run = self.runs[item_id]
        key = (run.phase, run.revealed)
        cached = run.context_cache
        if cached is None or cached[0] != key:
            cached = run.context_cache = (key, EngineContext(self, run))
        return cached[1]

    def guard(self, run: ItemRun, action: str, work: Callable[[], Any]) -> Any:
        """Run plugin code; a plugin that raises marks its item as failed, not the app."""
        try:
            return work()
        except AnswerError:
            raise
        except Exception as error:
            plugin = self.plugins.owner(run.item.kind)
            run.error = f"plugin {plugin!r} failed in {action}: {type(error).__name__}: {error}"
            log.warning("%s (item %r)", run.error, run.item.id)
            self.publish(events.PluginFailed(run.item.id, plugin, run.error))
            raise PluginError(run.error) from error

    def _call(self, run: ItemRun, method: str, *args: Any) -> Any:
        """A contract method of the item's type, guarded, with the item's context."""
        activity_type = self.activity_type(run.item)
        context = self.context(run.item.id)
        return self.guard(run, method, lambda: call(activity_type, method, *args, context=context))

    def form(self, item_id: str) -> Form:
        """The item's form, built once and again only when a result it read has changed."""
        run = self.runs[item_id]
        cached = run.form_cache
        if cached is not None:
            form, read = cached
            if not read or all(self.runs[i].version == v for i, v in read):
                return form
        item = run.item
        if item.activity is None:
            raise KeyError(f"item {item_id!r} has no activity")
        activity_type = self.activity_type(item)
        context = EngineContext(self, run)  # a fresh one: it records what the form reads
        built: Form = self.guard(
            run, "form", lambda: call(activity_type, "form", self.config(item), context=context)
        )
        run.form_cache = (built, tuple(context.read.items()))
        return built

    def prompt(self, item: Item) -> str:
        """The item's question in one line; empty if it has none or its type fails here."""
        if item.activity is None:
            return ""
        try:
            context = self.context(item.id)
            return str(call(self.activity_type(item), "prompt", self.config(item), context=context))
        except Exception:  # a plugin's prompt is a nicety: it must not take a screen down
            log.warning("the prompt of item %r failed", item.id, exc_info=True)
            return ""

    def type_title(self, item: Item, language: str) -> str:
        """The item's activity type's name for people, in ``language`` (its catalog's)."""
        if item.activity is None:
            return ""
        found = self.plugins.activity_types.get(item.activity.type)
        if found is None or not found.title:
            return item.activity.type
        return translator(language, found.catalog).gettext(found.title)

    # -- answering -------------------------------------------------------------------

    def pseudonym(self, token: str, item_id: str) -> str:
        return anonymity.pseudonym(self.access.secret, token, item_id)

    def answer_of(self, token: str, item_id: str) -> Any | None:
        """This device's current answer to an item, to show it back for changing."""
        return self.runs[item_id].answers.get(self.pseudonym(token, item_id))

    def validate(self, item_id: str, raw: RawForm) -> dict[str, Any]:
        """Parse and check an answer without storing it; raises :class:`AnswerError`."""
        run = self.runs[item_id]
        if run.phase != OPEN or run.item.activity is None:
            raise AnswerError("closed")
        value = self.form(item_id).parse(raw)
        kept: dict[str, Any] = self._call(run, "accept", self.config(run.item), value)
        return kept

    async def submit(self, token: str, item_id: str, raw: RawForm) -> dict[str, Any]:
        """Validate, store durably, then count one device's answer to an item."""
        if not self.access.is_member(token):
            raise NotJoined()
        if item_id not in self.runs:
            raise AnswerError("closed")
        value = self.validate(item_id, raw)
        run = self.runs[item_id]
        approved: list[str] = []
        if self.moderated(run):
            value, approved = self.screen(run, value)
        pseudonym = self.pseudonym(token, item_id)
        await self.store.put_answer_durably(item_id, pseudonym, value, approved)
        self.apply(run, pseudonym, value)
        return value

    def screen(self, run: ItemRun, value: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """An answer as it may be stored: text already rejected taken out, and the names
        of its text fields already approved."""
        approved = []
        for name in self.moderated(run):
            text = value.get(name)
            if isinstance(text, str):
                decision = run.decisions.get(self.text_id(run.item.id, text))
                if decision == REJECTED:
                    value = {**value, name: None}
                elif decision == APPROVED:
                    approved.append(name)
        return value, approved

    async def retract(self, token: str, item_id: str) -> bool:
        """Withdraw this device's answer to an open item. Returns whether there was one."""
        if not self.access.is_member(token):
            raise NotJoined()
        run = self.runs.get(item_id)
        if run is None or run.phase != OPEN:
            raise AnswerError("closed")
        pseudonym = self.pseudonym(token, item_id)
        if pseudonym not in run.answers:
            return False
        await self.store.put_answer_durably(item_id, pseudonym, None)
        self.apply(run, pseudonym, None)
        return True

    def apply(self, run: ItemRun, pseudonym: str, value: Any | None) -> None:
        """Count a committed answer (``None``: withdrawn) in the item's running tally."""
        run.version += 1
        if value is not None and run.decisions and self.moderated(run):
            # Rejected while it was being stored: the store erased it after.
            value = self.screen(run, value)[0]
        old = run.answers.get(pseudonym)
        if value is None:
            run.answers.pop(pseudonym, None)
        else:
            run.answers[pseudonym] = value
        tally = run.tally
        if tally is not None and run.error is None:

            def update() -> None:
                if old is not None:
                    tally.remove(self.visible(run, old))
                if value is not None:
                    tally.add(self.visible(run, value))

            try:
                self.guard(run, "tally", update)
            except PluginError:
                run.tally = None
        self.publish(events.AnswersChanged(run.item.id, run.count))
        if any(v is not None and self.texts(run, v) for v in (old, value)):
            self.publish(events.ModerationChanged(run.item.id, len(self.pending(run.item.id))))

    # -- tallies and results -----------------------------------------------------------

    def moderated(self, run: ItemRun) -> list[str]:
        if run.item.activity is None:
            return []
        if run.moderated is None:
            try:
                run.moderated = self.form(run.item.id).moderated_fields()
            except PluginError:
                return []
        return run.moderated

    def texts(self, run: ItemRun, value: Mapping[str, Any]) -> list[str]:
        texts = []
        for name in self.moderated(run):
            text = value.get(name)
            if isinstance(text, str) and text:
                texts.append(text)
        return texts

    def visible(self, run: ItemRun, value: dict[str, Any]) -> dict[str, Any]:
        """The answer as a tally may see it: moderated text only once approved."""
        moderated = self.moderated(run)
        if not moderated:
            return value
        shown = dict(value)
        for name in moderated:
            text = shown.get(name)
            if isinstance(text, str) and self.decision(run.item.id, text) != APPROVED:
                shown[name] = None
        return shown

    def reset_tally(self, run: ItemRun) -> None:
        run.version += 1
        if run.item.activity is None:
            return
        config = self.config(run.item)

        def build() -> Tally[Any]:
            tally: Tally[Any] = call(
                self.activity_type(run.item), "new_tally", config, context=self.context(run.item.id)
            )
            for value in run.answers.values():
                tally.add(self.visible(run, value))
            return tally

        try:
            run.tally = self.guard(run, "tally", build)
            run.error = None
        except PluginError:
            run.tally = None

    def result(self, item_id: str) -> Any:
        """The item's current result (moderated text only once approved)."""
        run = self.runs[item_id]
        if run.item.activity is None:
            raise KeyError(f"item {item_id!r} has no activity")
        if run.tally is None:
            raise PluginError(run.error or "no tally")
        return self.guard(run, "tally", run.tally.result)

    def view(self, item_id: str) -> View:
        """What the result looks like now, in the room's language, whoever may see it."""
        run = self.runs[item_id]
        result = self.result(item_id)
        return tuple(self._call(run, "view", self.config(run.item), result))

    def report(self, item_id: str) -> View:
        """The item's section of the report, in the room's language."""
        run = self.runs[item_id]
        result = self.result(item_id)
        return tuple(self._call(run, "report", self.config(run.item), result))

    def export(self, item_id: str) -> list[list[ExportCell]]:
        """Each answer's cells for CSV and JSON, as the type exports them (in no order)."""
        run = self.runs[item_id]
        answers = [Answer(self.visible(run, value)) for value in run.answers.values()]
        rows = self._call(run, "export", self.config(run.item), answers)
        return [list(cells) for cells in rows]

    # -- moderation --------------------------------------------------------------------

    def text_id(self, item_id: str, text: str) -> str:
        """The id the console and control page name a text by (keyed, never stored)."""
        secret = self.access.secret
        if self._text_key is None or self._text_key[0] != secret:
            self._text_key = (secret, text_key(secret))
        return text_id(self._text_key[1], item_id, text)

    def pending(self, item_id: str) -> list[PendingText]:
        """Distinct free texts waiting for approval, most frequent first."""
        run = self.runs[item_id]
        counts: dict[str, int] = {}
        for value in run.answers.values():
            for text in self.texts(run, value):
                if self.text_id(item_id, text) not in run.decisions:
                    counts[text] = counts.get(text, 0) + 1
        return [
            PendingText(self.text_id(item_id, text), text, count)
            for text, count in sorted(counts.items(), key=lambda tc: (-tc[1], tc[0]))
        ]

    def moderate(self, item_id: str, text_ids: list[str] | str, decision: str) -> int:
        """Approve or reject free texts by id; returns how many decisions changed.

        A rejected text is erased from every answer that carries it (the rest of each
        answer stays), on disk too; it cannot be approved afterwards.
        """
        if decision not in (APPROVED, REJECTED):
            raise ValueError(f"decision must be {APPROVED!r} or {REJECTED!r}")
        run = self.runs[item_id]
        ids = [text_ids] if isinstance(text_ids, str) else text_ids
        known = {
            self.text_id(item_id, t): t for v in run.answers.values() for t in self.texts(run, v)
        }
        texts = []
        for tid in dict.fromkeys(ids):
            if tid in known and run.decisions.get(tid) != decision:
                run.decisions[tid] = decision
                texts.append(known[tid])
        if texts:
            self._decided(run, texts, decision)
        return len(texts)

    def _decided(self, run: ItemRun, texts: list[str], decision: str) -> None:
        item_id = run.item.id
        fields = self.moderated(run)
        if decision == REJECTED:
            self.store.erase_texts(item_id, fields, texts)
            self._erase(run, set(texts))
            run.rejected += len(texts)
        else:
            self.store.approve_texts(item_id, fields, texts)
        # How many, never which: the file keeps no trace of a text's words but the answers.
        self.log.append(
            RecordKind.MODERATION, {"item_id": item_id, "decision": decision, "texts": len(texts)}
        )
        self.reset_tally(run)
        self.publish(events.ModerationChanged(item_id, len(self.pending(item_id))))
        self.publish(events.AnswersChanged(item_id, run.count))

    def _erase(self, run: ItemRun, texts: set[str]) -> None:
        """Take these texts out of the item's answers in memory (the store does the same)."""
        fields = self.moderated(run)
        for pseudonym, value in list(run.answers.items()):
            hits = [f for f in fields if isinstance(value.get(f), str) and value[f] in texts]
            if hits:
                run.answers[pseudonym] = {**value, **dict.fromkeys(hits)}

    def decision(self, item_id: str, text: str) -> str:
        return self.runs[item_id].decisions.get(self.text_id(item_id, text), PENDING)

    def moderation_counts(self, item_id: str) -> tuple[int, int, int]:
        """Distinct free texts of the item: approved, rejected (and erased), pending."""
        run = self.runs[item_id]
        texts = {t for value in run.answers.values() for t in self.texts(run, value)}
        approved = sum(1 for t in texts if self.decision(item_id, t) == APPROVED)
        pending = sum(1 for t in texts if self.decision(item_id, t) == PENDING)
        return approved, run.rejected, pending

    # -- moderation on resume ------------------------------------------------------------

    def replay_moderation(self, data: dict[str, Any]) -> None:
        """A stored moderation record: counts rejections; keeps 0.1's for later."""
        if "text_id" in data:
            self._legacy.append(data)
        elif data.get("decision") == REJECTED and data.get("item_id") in self.runs:
            self.runs[data["item_id"]].rejected += int(data.get("texts", 0))

    def restore_moderation(self, approved: Mapping[str, set[str]]) -> None:
        """Once the stored answers are loaded: approvals from the answers that carry them;
        then 0.1's records, applied the way this version stores them (their rejected
        texts erased, their approvals kept with the answers) and their text ids removed."""
        for item_id, approved_texts in approved.items():
            run = self.runs.get(item_id)
            if run is not None:
                for text in approved_texts:
                    run.decisions[self.text_id(item_id, text)] = APPROVED
        if not self._legacy:
            return
        decided: dict[tuple[str, str], str] = {}
        for record in self._legacy:
            decided[record.get("item_id", ""), record.get("text_id", "")] = record["decision"]
        self._legacy = []
        for run in self.runs.values():
            found: dict[str, list[str]] = {APPROVED: [], REJECTED: []}
            for text in {t for v in run.answers.values() for t in self.texts(run, v)}:
                decision = decided.get((run.item.id, legacy_text_id(run.item.id, text)))
                if decision in found:
                    run.decisions[self.text_id(run.item.id, text)] = decision
                    found[decision].append(text)
            for decision, texts in found.items():
                if texts:
                    self._decided(run, texts, decision)
        self.store.forget_text_ids()
