"""Agendas as TOML files: load and check them, write them back, start a new one.

Every problem in a file is collected before anything is reported, and each names the
file, the item (number and title) and the key, and says what was expected, so an
agenda writer fixes everything in one pass rather than one error at a time.
:func:`agenda_warnings` finds what is allowed but risky (free text that reaches the
projector unapproved); ``facilitate check`` prints those without failing.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from attrs import evolve, frozen

from facilitate.activity import ConfigError, StaticContext, call
from facilitate.forms import TextField
from facilitate.model import (
    DEFAULT_K,
    DURATION_EXAMPLE,
    Activity,
    Agenda,
    DurationError,
    Item,
    format_duration,
    parse_duration,
)
from facilitate.plugins import Plugins, UnknownActivityType, default_plugins
from facilitate.reprs import attrs_repr

AGENDA_KEYS = ("title", "description", "language", "k", "start", "items")
ITEM_KEYS = ("id", "title", "duration", "notes", "k", "activity")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@frozen
class AgendaProblem:
    __repr__ = attrs_repr

    file: str
    key: str
    message: str
    item_number: int | None = None
    item_title: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.item_number is not None:
            title = f" {self.item_title!r}" if self.item_title else ""
            where += f": item {self.item_number}{title}"
        key = f": {self.key}" if self.key else ""
        return f"{where}{key}: {self.message}"


class AgendaError(ValueError):
    """An agenda with problems; ``problems`` lists every one, in file order."""

    def __init__(self, problems: list[AgendaProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _unknown_key(key: str, known: tuple[str, ...]) -> str:
    import difflib

    near = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean {near[0]!r}?" if near else f"expected one of: {', '.join(known)}"
    return f"unknown key; {hint}"


# Letters that do not come apart into a base letter and an accent.
_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i"}
)


SLUG_LENGTH = 40


def slugify(text: str, number: int = 0) -> str:
    """An item id from its title, letters kept: "¿Cómo llegas hoy?" -> "como-llegas-hoy".

    Accents come off (NFKD, marks dropped) rather than taking their letter with them.
    A title with no Latin letters or digits (Arabic, say) gets ``item-NUMBER``. Stored
    sessions keep the ids they were started with: their agendas carry explicit ids.
    """
    plain = unicodedata.normalize("NFKD", text.lower().translate(_LETTERS))
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    if len(slug) > SLUG_LENGTH:  # cut between words, not inside one
        cut = slug[: SLUG_LENGTH + 1]
        slug = cut[: cut.rfind("-")] if cut.rfind("-") > SLUG_LENGTH // 2 else cut[:SLUG_LENGTH]
    slug = slug.strip("-")
    return slug or (f"item-{number}" if number else "item")


def legacy_slug(text: str) -> str:
    """The id facilitate 0.2 made from a title (accented letters dropped, "c-mo-llegas"),
    to point an old ``from =`` at the id the item has now."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:40].strip("-") or "item"


def _parse_start(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", value)
        if match and int(match[1]) < 24 and int(match[2]) < 60:
            return dt.time(int(match[1]), int(match[2]))
    raise ValueError(f'expected a time of day like "09:30", got {value!r}')


def _check_k(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise ValueError(
            f"expected a whole number from 1 to 100 (default {DEFAULT_K}), got {value!r}"
        )
    return value


def agenda_from_data(data: Mapping[str, Any], file: str, plugins: Plugins | None = None) -> Agenda:
    """An :class:`Agenda` from parsed TOML, or :class:`AgendaError` listing every problem."""
    plugins = plugins or default_plugins()
    # tomli-w writes "\r\n" inside a multi-line string as "\n", so keep only "\n" from the
    # start: an agenda then reads back equal after dumps_agenda.
    data = _unix_newlines(data)
    problems: list[AgendaProblem] = []

    def problem(key: str, message: str, number: int | None = None, title: str = "") -> None:
        problems.append(AgendaProblem(file, key, message, number, title))

    for key in data:
        if key not in AGENDA_KEYS:
            problem(key, _unknown_key(key, AGENDA_KEYS))
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        problem("title", "expected the workshop's title, a non-empty string")
        title = ""
    language = data.get("language", "en")
    if not isinstance(language, str) or not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)?", language):
        problem(
            "language", f'expected a language code such as "en", "es" or "ar", got {language!r}'
        )
        language = "en"
    k = DEFAULT_K
    if "k" in data:
        try:
            k = _check_k(data["k"])
        except ValueError as error:
            problem("k", str(error))
    start = None
    if "start" in data:
        try:
            start = _parse_start(data["start"])
        except ValueError as error:
            problem("start", str(error))
    description = data.get("description", "")
    if not isinstance(description, str):
        problem("description", "expected a string")
        description = ""

    raw_items = data.get("items")
    items: list[Item] = []
    seen_ids: set[str] = set()
    if not isinstance(raw_items, list) or not raw_items:
        problem("items", "expected at least one [[items]] table")
        raw_items = []
    earlier: dict[str, Item | None] = {}
    listed_ids = {raw.get("id") for raw in raw_items if isinstance(raw, dict)}
    for number, raw in enumerate(raw_items, start=1):
        if not isinstance(raw, dict):
            problem("items", "expected a table ([[items]])", number)
            continue
        item_title = raw.get("title")
        shown_title = item_title if isinstance(item_title, str) else ""

        def item_problem(key: str, message: str) -> None:
            problem(key, message, number, shown_title)  # noqa: B023

        for key in raw:
            if key not in ITEM_KEYS:
                item_problem(key, _unknown_key(key, ITEM_KEYS))
        if not isinstance(item_title, str) or not item_title.strip():
            item_problem("title", "expected the item's title, a non-empty string")
            item_title = f"Item {number}"
        duration = 0
        if "duration" not in raw:
            item_problem("duration", f"missing; expected a duration like {DURATION_EXAMPLE}")
        else:
            try:
                duration = parse_duration(raw["duration"])
            except DurationError as error:
                item_problem("duration", str(error))
        notes = raw.get("notes", "")
        if not isinstance(notes, str):
            item_problem("notes", "expected a string (use triple quotes for several lines)")
            notes = ""
        item_k = None
        if "k" in raw:
            try:
                item_k = _check_k(raw["k"])
            except ValueError as error:
                item_problem("k", str(error))
        item_id = raw.get("id")
        if item_id is None:
            item_id = base = slugify(item_title, number)
            suffix = 2
            while item_id in seen_ids:
                item_id = f"{base}-{suffix}"
                suffix += 1
        elif not isinstance(item_id, str) or not _ID.match(item_id):
            item_problem("id", f"expected lowercase letters, digits and dashes, got {item_id!r}")
            item_id = f"item-{number}"
        elif item_id in seen_ids:
            item_problem("id", f"{item_id!r} is used by an earlier item; ids must be unique")
        seen_ids.add(item_id)

        activity = None
        if "activity" in raw:
            activity = _load_activity(raw["activity"], plugins, item_problem)
            if activity is not None:
                for key, message in _check_references(activity, plugins, earlier, listed_ids):
                    item_problem(key, message)
        item = Item(item_id, item_title, duration, notes, activity, item_k)
        items.append(item)
        failed = "activity" in raw and activity is None
        earlier.setdefault(item_id, None if failed else item)

    if problems:
        raise AgendaError(problems)
    return Agenda(title, tuple(items), language, k, start, description)


def _check_references(
    activity: Activity, plugins: Plugins, earlier: dict[str, Item | None], ids: set[Any]
) -> list[tuple[str, str]]:
    """Problems with the earlier items an activity reads (``from = "..."``), as (key, message).

    ``earlier`` maps each earlier item's id to the item, or to ``None`` if its own activity
    has problems (already reported, so its type is not held against this item).
    """
    found = []
    for ref in plugins.activity_type(activity.type).references(activity.config):
        wanted = " or ".join(repr(kind) for kind in ref.kinds) or "any activity"
        if ref.item_id not in earlier:
            where = "a later" if ref.item_id in ids else "no"
            renamed = [
                item_id
                for item_id, item in earlier.items()
                if item is not None and legacy_slug(item.title) == ref.item_id
            ]
            hint = (
                f" (item ids keep their letters now: that item's id is {renamed[0]!r})"
                if renamed
                else ""
            )
            found.append(
                (
                    f"activity.{ref.key}",
                    f"{ref.item_id!r} names {where} item; expected the id of an earlier item"
                    f" of type {wanted}{hint}",
                )
            )
            continue
        target = earlier[ref.item_id]
        if target is not None and ref.kinds and target.kind not in ref.kinds:
            found.append(
                (
                    f"activity.{ref.key}",
                    f"item {ref.item_id!r} is of type {target.kind!r}; expected {wanted}",
                )
            )
    return found


def _load_activity(table: Any, plugins: Plugins, item_problem: Any) -> Activity | None:
    if not isinstance(table, dict):
        item_problem("activity", 'expected a table with type = "..." ([items.activity])')
        return None
    kind = table.get("type")
    settings = {key: value for key, value in table.items() if key != "type"}
    if not isinstance(kind, str):
        installed = ", ".join(sorted(plugins.activity_types))
        item_problem("activity.type", f"missing; expected one of the installed types: {installed}")
        return None
    try:
        activity_type = plugins.activity_type(kind)
    except UnknownActivityType as error:
        item_problem(
            "activity.type", f"unknown type {kind!r}; installed types: {', '.join(error.installed)}"
        )
        return None
    try:
        config = activity_type.configure(settings)
    except ConfigError as error:
        for found in error.problems:
            item_problem(f"activity.{found.key}" if found.key else "activity", found.message)
        return None
    except Exception as error:  # a plugin's bug must read as a problem, not a traceback
        owner = plugins.owner(kind)
        item_problem("activity", f"plugin {owner!r} failed to read the settings: {error!r}")
        return None
    return Activity(kind, settings, config)


UNMODERATED = (
    "free text ({fields}) reaches the projector and the report without your approval, so a"
    " name a participant types is shown to the room; keep moderate = true unless nobody"
    " could be named"
)


def agenda_warnings(
    agenda: Agenda, file: str, plugins: Plugins | None = None
) -> list[AgendaProblem]:
    """What is allowed but risky, in file order: items whose free text reaches the room
    without the facilitator's approval (an agenda that turned moderation off)."""
    plugins = plugins or default_plugins()
    found = []
    for number, item in enumerate(agenda.items, start=1):
        if item.activity is None:
            continue
        loose = _unmoderated_fields(item, agenda, plugins)
        if loose:
            key = "activity.moderate" if "moderate" in item.activity.settings else "activity"
            message = UNMODERATED.format(fields=", ".join(loose))
            found.append(AgendaProblem(file, key, message, number, item.title))
    return found


def _unmoderated_fields(item: Item, agenda: Agenda, plugins: Plugins) -> list[str]:
    """The names of the item's free-text fields that skip moderation on their way to the
    projector; none if its results stay off the projector or its form cannot be built
    without a workshop (a form made from earlier items' results)."""
    assert item.activity is not None
    activity_type = plugins.activity_type(item.activity.type)
    config = item.activity.config
    try:
        if not activity_type.on_projector(config):
            return []
        context = StaticContext(
            item.id, agenda.language, k=agenda.k_for(item), settings=item.activity.settings
        )
        form = call(activity_type, "form", config, context=context)
    except Exception:  # a plugin's form is checked in the room, not here
        return []
    return [f.name for f in form.fields if isinstance(f, TextField) and not f.moderated]


def load_agenda(path: str | Path, plugins: Plugins | None = None) -> Agenda:
    """Read and check an agenda file; :class:`AgendaError` lists every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise AgendaError(
            [AgendaProblem(str(path), "", f"cannot read: {error.strerror}")]
        ) from None
    except UnicodeDecodeError:
        raise AgendaError([AgendaProblem(str(path), "", "is not UTF-8 text")]) from None
    return loads_agenda(text, str(path), plugins)


def loads_agenda(text: str, file: str = "<agenda>", plugins: Plugins | None = None) -> Agenda:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AgendaError([AgendaProblem(file, "", f"not valid TOML: {error}")]) from None
    return agenda_from_data(data, file, plugins)


def agenda_to_data(agenda: Agenda) -> dict[str, Any]:
    """The agenda as TOML-ready data; :func:`agenda_from_data` reads it back equal."""
    data: dict[str, Any] = {"title": agenda.title}
    if agenda.description:
        data["description"] = agenda.description
    data["language"] = agenda.language
    data["k"] = agenda.k
    if agenda.start is not None:
        data["start"] = agenda.start.strftime("%H:%M")
    items = []
    for item in agenda.items:
        entry: dict[str, Any] = {"id": item.id, "title": item.title}
        entry["duration"] = format_duration(item.duration)
        if item.k is not None:
            entry["k"] = item.k
        if item.notes:
            entry["notes"] = item.notes
        if item.activity is not None:
            entry["activity"] = {"type": item.activity.type, **_plain(item.activity.settings)}
        items.append(entry)
    data["items"] = items
    return data


def _unix_newlines(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    if isinstance(value, Mapping):
        return {key: _unix_newlines(v) for key, v in value.items()}
    if isinstance(value, list):
        return [_unix_newlines(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _plain(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def dumps_agenda(agenda: Agenda) -> str:
    import tomli_w

    return tomli_w.dumps(agenda_to_data(agenda), multiline_strings=True)


def without_configs(agenda: Agenda) -> Agenda:
    """The agenda with plugin configs dropped, for comparing what was written."""
    return evolve(
        agenda,
        items=tuple(
            evolve(item, activity=evolve(item.activity, config=None)) if item.activity else item
            for item in agenda.items
        ),
    )


STARTER_AGENDA = '''\
# A facilitate agenda. Check it with:  facilitate check {name}
# Run it with:                         facilitate run {name}
#
# Durations look like "15m", "1h30m" or "90s". Items without an activity (a talk,
# a break, a discussion) are still timed. Results of a poll stay hidden until at
# least k people have answered, so nobody can be singled out.

title = "My workshop"
language = "en"        # participant pages also offer es, fr, ar, id
k = 5                  # anonymity threshold; an item can set its own
start = "09:30"        # optional: the planned start, for the projected end time

[[items]]
title = "Welcome and agreements"
duration = "15m"
notes = """
Introduce the day. Agree on confidentiality: what is said here stays here.
Show the join code; nobody has to answer anything.
"""

[[items]]
title = "How are you arriving today?"
duration = "5m"
[items.activity]
type = "scale"
question = "How are you arriving today?"
min = 1
max = 5
labels = ["Exhausted", "Full of energy"]

[[items]]
title = "What does security mean to you?"
duration = "10m"
[items.activity]
type = "wordcloud"
question = "One or two words: what does feeling safe mean to you?"

[[items]]
title = "Break"
duration = "15m"

[[items]]
title = "Which topic first?"
duration = "5m"
[items.activity]
type = "choice"
question = "Which topic should we start with?"
options = ["Digital security", "Well-being", "Protection networks"]
'''
