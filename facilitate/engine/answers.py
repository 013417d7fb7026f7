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
    ABSENT,
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

PSEUDONYMS_KEPT = 100_000
"""Device pseudonyms remembered in memory (then forgotten all at once, and made again)."""


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
        self._pseudonyms: dict[tuple[str, str], str] = {}
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

    def guard(
        self, run: ItemRun, action: str, work: Callable[..., Any], *args: Any, **kw: Any
    ) -> Any:
        """Run plugin code, ``work(*args, **kw)``; a plugin that raises marks its item as
        failed, not the app."""
        try:
            return work(*args, **kw)
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
        return self.guard(run, method, call, activity_type, method, *args, context=context)

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
        found = self.plugins.find(item.activity.type)
        if found is None or not found.title:
            return item.activity.type
        return translator(language, found.catalog).gettext(found.title)

    # -- answering -------------------------------------------------------------------

    def pseudonym(self, token: str, item_id: str) -> str:
        """The device's pseudonym for an item (an HMAC; remembered per device and item
        while the session runs, since a phone changing its answer asks again)."""
        key = (token, item_id)
        found = self._pseudonyms.get(key)
        if found is None:
            if len(self._pseudonyms) >= PSEUDONYMS_KEPT:
                self._pseudonyms.clear()
            found = self._pseudonyms[key] = anonymity.pseudonym(self.access.secret, token, item_id)
        return found

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
                decision = self.decision_of(run, text)
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
        """Count a committed answer (``None``: withdrawn) in the item's running tally.

        O(1) in the number of answers: the tally, the text index and the room's count
        of changes are updated for this one answer.
        """
        run.version += 1
        moderated = self.moderated(run)
        if value is not None and run.decisions and moderated:
            # Rejected while it was being stored: the store erased it after.
            value = self.screen(run, value)[0]
        old = run.answers.get(pseudonym)
        if pseudonym not in run.since_mark:
            run.since_mark[pseudonym] = ABSENT if old is None else old
        run.touched.add(pseudonym)
        if value is None:
            run.answers.pop(pseudonym, None)
        else:
            run.answers[pseudonym] = value
        old_texts = self.texts(run, old) if old is not None and moderated else []
        new_texts = self.texts(run, value) if value is not None and moderated else []
        if old_texts:
            run.texts.remove(pseudonym, old_texts)
        if new_texts:
            run.texts.add(pseudonym, new_texts, self._id_of(run), run.decisions)
        self._retally(run, [(old, value)])
        self.publish(events.AnswersChanged(run.item.id, run.count))
        if old_texts or new_texts:
            self.publish(events.ModerationChanged(run.item.id, len(run.texts.pending)))

    def _retally(self, run: ItemRun, changes: list[tuple[Any | None, Any | None]]) -> None:
        """Take each ``(before, after)`` answer's visible form out of the tally and put
        the new one in (``before`` seen with the decisions it was counted under, which
        the caller passes already made visible when they changed)."""
        tally = run.tally
        if tally is None or run.error is not None:
            return

        try:
            self.guard(run, "tally", self._update_tally, run, tally, changes)
        except PluginError:
            run.tally = None

    def _update_tally(
        self, run: ItemRun, tally: Tally[Any], changes: list[tuple[Any | None, Any | None]]
    ) -> None:
        for old, new in changes:
            if old is not None:
                tally.remove(self.visible(run, old))
            if new is not None:
                tally.add(self.visible(run, new))

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
            if isinstance(text, str) and self.decision_of(run, text) != APPROVED:
                shown[name] = None
        return shown

    def reindex(self, run: ItemRun) -> None:
        """Index the item's free texts again from all its answers (on start and resume)."""
        run.texts.clear()
        if not run.answers or not self.moderated(run):  # (no form built for nothing)
            return
        id_of = self._id_of(run)
        for pseudonym, value in run.answers.items():
            texts = self.texts(run, value)
            if texts:
                run.texts.add(pseudonym, texts, id_of, run.decisions)

    def reset_tally(self, run: ItemRun) -> None:
        """Count every answer again, from scratch (on start and resume, O(answers))."""
        run.version += 1
        if run.item.activity is None:
            return
        self.reindex(run)
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
        run = self.runs.get(item_id)
        if run is not None:
            known = run.texts.ids.get(text)
            if known is not None:
                return known
        return self._hash(item_id, text)

    def _hash(self, item_id: str, text: str) -> str:
        secret = self.access.secret
        if self._text_key is None or self._text_key[0] != secret:
            self._text_key = (secret, text_key(secret))
        return text_id(self._text_key[1], item_id, text)

    def _id_of(self, run: ItemRun) -> Callable[[str], str]:
        item_id = run.item.id
        return lambda text: self._hash(item_id, text)

    def decision_of(self, run: ItemRun, text: str) -> str:
        """A text's decision; a text some answer carries is looked up, not hashed."""
        if not run.decisions:
            return PENDING
        known = run.texts.ids.get(text)
        return run.decisions.get(known or self._hash(run.item.id, text), PENDING)

    def pending(self, item_id: str) -> list[PendingText]:
        """Distinct free texts waiting for approval, most frequent first."""
        return self.first_pending(item_id, len(self.runs[item_id].texts.pending))

    def first_pending(self, item_id: str, count: int) -> list[PendingText]:
        """The first ``count`` texts of :meth:`pending` (the head of the queue), without
        sorting the whole queue."""
        index = self.runs[item_id].texts
        return [PendingText(index.ids[text], text, n) for text, n in index.head(count)]

    def pending_count(self, item_id: str) -> int:
        """How many distinct texts of the item wait for approval (O(1))."""
        return len(self.runs[item_id].texts.pending)

    def approved_texts(self, item_id: str) -> list[str]:
        """The distinct texts of the item's answers that were approved (O(approved))."""
        return list(self.runs[item_id].texts.approved)

    def moderate(self, item_id: str, text_ids: list[str] | str, decision: str) -> int:
        """Approve or reject free texts by id; returns how many decisions changed.

        A rejected text is erased from every answer that carries it (the rest of each
        answer stays), on disk too; it cannot be approved afterwards. Costs what the
        answers carrying these texts cost, not every answer.
        """
        if decision not in (APPROVED, REJECTED):
            raise ValueError(f"decision must be {APPROVED!r} or {REJECTED!r}")
        run = self.runs[item_id]
        ids = [text_ids] if isinstance(text_ids, str) else text_ids
        known = run.texts.by_id
        texts = []
        for tid in dict.fromkeys(ids):
            if tid in known and run.decisions.get(tid) != decision:
                texts.append(known[tid])
        if texts:
            self._decided(run, texts, decision)
        return len(texts)

    def _decided(self, run: ItemRun, texts: list[str], decision: str) -> None:
        item_id = run.item.id
        fields = self.moderated(run)
        carriers = dict.fromkeys(p for text in texts for p in run.texts.carriers.get(text, ()))
        # Each carrying answer as the tally counted it, before the decision changes that.
        before = {p: self.visible(run, run.answers[p]) for p in carriers if p in run.answers}
        for text in texts:
            run.decisions[run.texts.ids[text]] = decision
            run.texts.decide(text, decision)
        if decision == REJECTED:
            self.store.erase_texts(item_id, fields, texts)
            self._erase(run, set(texts), list(carriers))
            run.rejected += len(texts)
        else:
            self.store.approve_texts(item_id, fields, texts)
        # How many, never which: the file keeps no trace of a text's words but the answers.
        self.log.append(
            RecordKind.MODERATION, {"item_id": item_id, "decision": decision, "texts": len(texts)}
        )
        run.version += 1
        run.decided += 1
        if run.tally is None:
            self.reset_tally(run)  # a type that failed gets another chance, as on start
        else:
            self._retally(run, [(before[p], run.answers.get(p)) for p in before])
        self.publish(events.ModerationChanged(item_id, len(run.texts.pending)))
        self.publish(events.AnswersChanged(item_id, run.count))

    def _erase(self, run: ItemRun, texts: set[str], carriers: list[str]) -> None:
        """Take these texts out of the answers that carry them, in memory (the store does
        the same on disk), and out of what the room's steps remember of earlier answers."""
        fields = self.moderated(run)
        for pseudonym in carriers:
            value = run.answers.get(pseudonym)
            if value is None:
                continue
            hits = [f for f in fields if isinstance(value.get(f), str) and value[f] in texts]
            if hits:
                run.texts.remove(pseudonym, [value[f] for f in hits])
                run.answers[pseudonym] = {**value, **dict.fromkeys(hits)}
        for pseudonym, value in list(run.since_mark.items()):
            if isinstance(value, dict):
                hits = [f for f in fields if isinstance(value.get(f), str) and value[f] in texts]
                if hits:
                    run.since_mark[pseudonym] = {**value, **dict.fromkeys(hits)}

    def decision(self, item_id: str, text: str) -> str:
        return self.decision_of(self.runs[item_id], text)

    def moderation_counts(self, item_id: str) -> tuple[int, int, int]:
        """Distinct free texts of the item: approved, rejected (and erased), pending."""
        run = self.runs[item_id]
        return len(run.texts.approved), run.rejected, len(run.texts.pending)

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
