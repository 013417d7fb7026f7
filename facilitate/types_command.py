"""``facilitate types``: every installed activity type and its settings, read from the code itself.

An agenda writer needs to know which ``type = "..."`` exist and which keys each takes.
This command reads them from the installed types' ``Config`` classes (key, default and
``setting(help=...)``), so it is never out of date, and builds for each type an example
item that ``facilitate check`` accepts.
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import textwrap
import tomllib
import types
import typing
from collections.abc import Mapping
from typing import Any

import attrs
import tomli_w
from attrs import frozen

from facilitate.activity import ActivityType, ConfigError, _type_matches
from facilitate.cli import CLIError
from facilitate.reprs import attrs_repr

WIDTH = 100
"""Lines are wrapped to this width, whatever the terminal, so the output is stable."""

EXAMPLE_ID = "earlier-item"
"""The id an example gives the earlier item that its type reads (``from = "..."``)."""


@frozen
class SettingInfo:
    """One key of an activity type's settings, as an agenda writer sees it."""

    __repr__ = attrs_repr

    key: str
    required: bool
    default: Any
    """The default as TOML would spell it (lists, not tuples); ``None`` if required or unset."""
    help: str
    type: str


@frozen
class TypeInfo:
    """One installed activity type: what it is, where it comes from, and its settings."""

    __repr__ = attrs_repr

    kind: str
    title: str
    plugin: str
    description: str
    settings: tuple[SettingInfo, ...]
    example: str
    """A TOML snippet of one or more ``[[items]]`` that ``facilitate check`` accepts."""
    example_settings: dict[str, Any]
    """The example item's settings (its ``[items.activity]`` table without ``type``)."""


# -- reading a Config class -------------------------------------------------------------


def toml_key(field: attrs.Attribute) -> str:  # type: ignore[type-arg]
    """The key an agenda uses for a Config field: its ``key`` metadata, else its name."""
    return str(field.metadata.get("key") or field.name)


def _default(field: attrs.Attribute) -> Any:  # type: ignore[type-arg]
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        default = default.factory()  # setting() never uses takes_self
    return plain(default)


def plain(value: Any) -> Any:
    """A value as TOML and JSON hold it: tuples become lists, all the way down."""
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def type_name(hint: Any) -> str:
    """A Config annotation in an agenda writer's words ("list of strings")."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [type_name(arg) for arg in typing.get_args(hint) if arg is not type(None)]
        return " or ".join(options)
    if origin in (tuple, list) or hint in (tuple, list):
        args = [arg for arg in typing.get_args(hint) if arg is not Ellipsis]
        inner = type_name(args[0]) if args else "value"
        plural = {"string": "strings", "whole number": "whole numbers", "table": "tables"}
        return f"list of {plural.get(inner, inner + 's')}"
    names = {
        str: "string",
        int: "whole number",
        float: "number",
        bool: "true or false",
        dict: "table",
    }
    return names.get(origin or hint, "value")


def settings_of(config_class: type) -> tuple[SettingInfo, ...]:
    """Every key of a Config class, in declaration order."""
    hints = typing.get_type_hints(config_class)
    found = []
    for field in attrs.fields(typing.cast(Any, config_class)):
        required = field.default is attrs.NOTHING
        found.append(
            SettingInfo(
                key=toml_key(field),
                required=required,
                default=None if required else _default(field),
                help=str(field.metadata.get("help") or ""),
                type=type_name(hints.get(field.name, Any)),
            )
        )
    return tuple(found)


def description_of(activity_type: ActivityType[Any, Any]) -> str:
    """The first paragraph of the type's own docstring (never the base class's), on one line."""
    doc = type(activity_type).__dict__.get("__doc__") or ""
    first = inspect.cleandoc(doc).split("\n\n")[0]
    return " ".join(first.split()).replace("``", "`")


# -- examples ---------------------------------------------------------------------------

_FRAGMENTS = re.compile(r'\{[^{}]*\}|\[[^\[\]]*\]|"[^"]*"')


def _fits(value: Any, hint: Any, field: attrs.Attribute) -> bool:  # type: ignore[type-arg]
    """Whether a candidate value has the field's type and passes its own check."""
    ok, converted = _type_matches(value, hint)
    if not ok:
        return False
    check = field.metadata.get("check")
    return not (check and check(converted))


def _singular(key: str) -> str:
    word = key.replace("_", " ")
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") else word


def _candidates(field: attrs.Attribute) -> list[Any]:  # type: ignore[type-arg]
    """Values to try for a field, best first: literals quoted in its help, then placeholders."""
    help_text = str(field.metadata.get("help") or "")
    quoted: list[Any] = []
    for fragment in _FRAGMENTS.findall(help_text):
        try:
            value = tomllib.loads(f"v = {fragment}")["v"]
        except tomllib.TOMLDecodeError:
            continue
        quoted.append(value)
        if isinstance(value, dict | str):  # "each a table like { ... }": a list of one
            quoted.append([value])
    numbers = [int(n) for n in re.findall(r"(?<![\w.])\d+(?![\w.])", help_text)]
    key = toml_key(field)
    word = _singular(key).capitalize()
    placeholders: list[Any] = [EXAMPLE_ID] if re.search(r"\bid\b", help_text) else []
    placeholders += [
        *numbers,
        3,
        1,
        5,
        0,
        2,
        10,
        f"Your {key.replace('_', ' ')}",
        True,
        False,
        1.0,
        [f"{word} {n}" for n in (1, 2, 3)],
        [f"{word} {n}" for n in (1, 2)],
        [f"{word} {n}" for n in (1, 2, 3, 4, 5)],
    ]
    return quoted + placeholders


def example_values(config_class: type, key: str) -> list[Any]:
    """Values for one key, best first, that have its type and pass its own check."""
    hints = typing.get_type_hints(config_class)
    for field in attrs.fields(typing.cast(Any, config_class)):
        if toml_key(field) == key:
            hint = hints.get(field.name, Any)
            found: list[Any] = []
            for value in _candidates(field):
                if _fits(value, hint, field) and value not in found:
                    found.append(plain(value))
            return found
    return []


def _problem_keys(activity_type: ActivityType[Any, Any], settings: Mapping[str, Any]) -> set[str]:
    """The keys ``configure`` finds a problem with (``{""}`` for a problem with no key)."""
    try:
        activity_type.configure(settings)
    except ConfigError as error:
        return {re.split(r"[.\[]", problem.key)[0] for problem in error.problems}
    except Exception:  # a plugin's own bug: nothing an example can fix
        return {""}
    return set()


def example_settings(activity_type: ActivityType[Any, Any]) -> dict[str, Any]:
    """Settings for one item of this type: its ``example`` if it has one, else derived.

    A derived example sets the required keys, and then any optional key a rule across
    keys asks for (a risk map needs threats or ``from``), each with the first value that
    ``configure`` accepts among those quoted in the key's help and placeholders of its type.
    """
    given = getattr(activity_type, "example", None)
    if given is not None:
        return plain(dict(given))
    config_class = activity_type.Config
    keys = [info.key for info in settings_of(config_class)]
    options = {key: example_values(config_class, key) for key in keys}
    chosen = {info.key: 0 for info in settings_of(config_class) if info.required}

    def current() -> dict[str, Any]:
        return {
            key: options[key][index] if index < len(options[key]) else None
            for key, index in chosen.items()
        }

    for _ in range(64):  # enough for any Config; a type no example satisfies gives its best
        wrong = _problem_keys(activity_type, current()) & set(keys)
        if not wrong:
            break
        moved = False
        for key in sorted(wrong):
            if key not in chosen:
                chosen[key], moved = 0, True
            elif chosen[key] + 1 < len(options[key]):
                chosen[key], moved = chosen[key] + 1, True
        if not moved:
            break
    return {key: value for key, value in current().items() if value is not None}


def optional_example(
    activity_type: ActivityType[Any, Any], settings: Mapping[str, Any], key: str
) -> Any:
    """A value for an optional key unset by default that, added to ``settings``, is accepted."""
    values = example_values(activity_type.Config, key)
    for value in values:
        if not _problem_keys(activity_type, {**settings, key: value}):
            return value
    return values[0] if values else None


def toml_value(value: Any) -> str:
    """One value as inline TOML: ``"text"``, ``3``, ``true``, ``["a", "b"]``, ``{ k = 1 }``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return tomli_w.dumps({"v": value}).partition(" = ")[2].strip()
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Mapping):
        pairs = ", ".join(f"{_toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return f"{{ {pairs} }}" if pairs else "{}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else toml_value(key)


def toml_line(key: str, value: Any, width: int = 88) -> str:
    """``key = value``; a long list is spread over several lines, one element each."""
    line = f"{_toml_key(key)} = {toml_value(value)}"
    if len(line) <= width or not isinstance(value, list | tuple) or not value:
        return line
    elements = "".join(f"    {toml_value(item)},\n" for item in value)
    return f"{_toml_key(key)} = [\n{elements}]"


def example_item(
    activity_type: ActivityType[Any, Any],
    lookup: Mapping[str, ActivityType[Any, Any]],
    *,
    commented: bool = True,
) -> str:
    """An ``[[items]]`` entry using this type, preceded by the earlier items it reads.

    With ``commented``, the optional keys follow as comments with their defaults (or an
    example value for those unset by default) and their help.
    """
    settings = example_settings(activity_type)
    before = []
    try:
        references = activity_type.references(activity_type.configure(settings))
    except Exception:  # `facilitate check` will show what is wrong with it; nothing to add
        references = ()
    for ref in references:
        kind = next((k for k in ref.kinds if k in lookup), None)
        earlier = lookup[kind] if kind is not None else None
        earlier_settings = example_settings(earlier) if earlier is not None else {}
        earlier_settings.pop(ref.key, None)  # an item reading its own type reads no further
        before.append(_item_text(earlier, earlier_settings, item_id=ref.item_id) + "\n")
    text = _item_text(activity_type, settings)
    if commented:
        text += _optional_comments(activity_type, settings)
    return "".join(before) + text


def _item_text(
    activity_type: ActivityType[Any, Any] | None,
    settings: Mapping[str, Any],
    item_id: str | None = None,
) -> str:
    lines = ["[[items]]"]
    if item_id:
        lines.append(f"id = {toml_value(item_id)}")
    title = activity_type.title or activity_type.kind if activity_type else "Earlier item"
    lines += [f"title = {toml_value(title)}", 'duration = "10m"']
    if activity_type is not None:
        lines += ["[items.activity]", f"type = {toml_value(activity_type.kind)}"]
        lines += [toml_line(key, value) for key, value in settings.items()]
    return "\n".join(lines) + "\n"


def _optional_comments(activity_type: ActivityType[Any, Any], settings: Mapping[str, Any]) -> str:
    """The keys the example leaves out, commented, each with its default and its help."""
    optional = [s for s in settings_of(activity_type.Config) if s.key not in settings]
    if not optional:
        return ""
    lines = ["# optional, shown with their defaults:"]
    for info in optional:
        value, note = info.default, info.help
        if value in (None, "", []):
            value = optional_example(activity_type, settings, info.key)
            if "default" not in note and "optional" not in note:
                note += " (not set by default)"
        shown = toml_line(info.key, value) if value is not None else f"{info.key} = ..."
        lines += ["# " + line for line in shown.splitlines()]
        lines += textwrap.wrap(note, WIDTH - 6, initial_indent="#     ", subsequent_indent="#     ")
    return "\n".join(lines) + "\n"


# -- describing types -------------------------------------------------------------------


def describe(plugins: Any, kinds: list[str] | None = None) -> list[TypeInfo]:
    """The installed types (or only ``kinds``, in that order), core first then by plugin.

    Raises :class:`CLIError` naming every unknown kind and listing the installed ones.
    """
    installed = plugins.activity_types
    if kinds:
        unknown = [kind for kind in kinds if kind not in installed]
        if unknown:
            listed = ", ".join(repr(kind) for kind in unknown)
            noun = "type" if len(unknown) == 1 else "types"
            raise CLIError(
                f"unknown activity {noun} {listed}; installed types: {', '.join(sorted(installed))}"
            )
        chosen = list(dict.fromkeys(kinds))
    else:
        order = list(installed)
        chosen = sorted(
            installed,
            key=lambda kind: (
                plugins.owner(kind) != "core",
                plugins.owner(kind),
                order.index(kind),
            ),
        )
    found = []
    for kind in chosen:
        activity_type = installed[kind]
        found.append(
            TypeInfo(
                kind=kind,
                title=activity_type.title,
                plugin=plugins.owner(kind),
                description=description_of(activity_type),
                settings=settings_of(activity_type.Config),
                example=example_item(activity_type, installed),
                example_settings=example_settings(activity_type),
            )
        )
    return found


def _status(info: SettingInfo) -> str:
    if info.required:
        return "required"
    if info.default is None:
        return "optional"
    return f"default {toml_value(info.default)}"


def render_settings(settings: tuple[SettingInfo, ...], indent: str = "    ") -> list[str]:
    """One line per key (``key  required|default X  help``), wrapped to the page width."""
    if not settings:
        return [f"{indent}(no settings)"]
    key_width = max(len(s.key) for s in settings)
    status_width = max((len(_status(s)) for s in settings if len(_status(s)) <= 26), default=8)
    help_column = len(indent) + key_width + 2 + status_width + 2
    lines = []
    for info in settings:
        status = _status(info)
        head = f"{indent}{info.key:<{key_width}}  {status:<{status_width}}  "
        if len(status) > status_width:  # a long default: the help goes on its own line
            lines.append(head.rstrip())
            head = " " * help_column
        wrapped = textwrap.wrap(info.help, max(WIDTH - help_column, 30)) or [""]
        lines.append((head + wrapped[0]).rstrip())
        lines += [" " * help_column + more for more in wrapped[1:]]
    return lines


def render(infos: list[TypeInfo], *, examples: bool) -> str:
    blocks = []
    for info in infos:
        lines = [f"{info.kind}: {info.title}  (plugin: {info.plugin})"]
        if info.description:
            lines += textwrap.wrap(
                info.description, WIDTH - 4, initial_indent="    ", subsequent_indent="    "
            )
        lines += render_settings(info.settings)
        if examples:
            lines += [
                "",
                "Example (paste under your agenda's title; check it with `facilitate check`):",
                "",
                info.example.rstrip(),
            ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def as_json(info: TypeInfo) -> dict[str, Any]:
    return {
        "kind": info.kind,
        "title": info.title,
        "plugin": info.plugin,
        "description": info.description,
        "settings": [attrs.asdict(setting) for setting in info.settings],
        "example": info.example,
        "example_settings": info.example_settings,
    }


def cmd_types(args: argparse.Namespace) -> int:
    from facilitate.plugins import default_plugins

    infos = describe(default_plugins(), args.kinds)
    if args.json:
        print(json.dumps([as_json(info) for info in infos], indent=2, ensure_ascii=False))
    else:
        print(render(infos, examples=bool(args.kinds)), end="")
    return 0


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "types",
        help="list the installed activity types and their settings",
        description="List every installed activity type with its settings (key, default, help)."
        " Name types to see only those, each with an example item.",
    )
    p.add_argument("kinds", nargs="*", metavar="KIND", help='an activity type, like "choice"')
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_types)
