"""HTML for every page the server sends, built from escaped pieces.

Participant text and agenda text are escaped on the way into every element and
attribute (``esc``); nothing here takes markup from a plugin. Pages link one CSS file
and one small script from the server itself, with no inline script or style, so the
Content-Security-Policy can forbid both.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any
from urllib.parse import quote

from facilitate import views
from facilitate.forms import (
    AnswerError,
    ChoiceField,
    Field,
    Form,
    GridField,
    MultiField,
    PointsField,
    RankField,
    RawForm,
    ScaleField,
    TextField,
)
from facilitate.server.i18n import LANGUAGE_NAMES, Translator

FORM_TOKEN_FIELD = "_ft"
_BARE = re.compile(r"[A-Za-z0-9_.-]+")
"""Attribute values that need no quotes."""


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def item_path(prefix: str, item_id: str) -> str:
    return f"{prefix}/{quote(item_id, safe='')}"


# -- the frame -------------------------------------------------------------------


def participant_frame(
    t: Translator,
    body: str,
    *,
    live: Mapping[str, str] | None = None,
    here: str = "/",
    exit_button: bool = True,
) -> str:
    """A whole participant page: neutral title, quick exit, body, refresh and languages."""
    attributes = ""
    if live is not None:
        attributes = "".join(f' data-{key}="{esc(value)}"' for key, value in live.items())
    exit_link = f'<a class="exit" id="exit" href="/w">{esc(t("exit"))}</a>' if exit_button else ""
    languages = " ".join(
        f'<a href="{esc(here)}?lang={code}" lang="{code}" hreflang="{code}"'
        f"{' aria-current=true' if code == t.language else ''}>{esc(name)}</a>"
        for code, name in LANGUAGE_NAMES.items()
    )
    return (
        f'<!doctype html><html lang="{t.language}" dir="{t.direction}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta name="referrer" content="no-referrer"><title>{esc(t("title"))}</title>'
        '<link rel="stylesheet" href="/s/p.css"><script src="/s/p.js" defer></script></head>'
        f"<body><header>{exit_link}</header>"
        f'<main id="main"{attributes}>{body}</main>'
        f'<footer><p><a href="/" class="refresh">{esc(t("refresh"))}</a></p>'
        f'<nav aria-label="{esc(t("language"))}">{languages}</nav></footer></body></html>'
    )


def message_block(heading: str, text: str, *, link: tuple[str, str] | None = None) -> str:
    more = f'<p><a class="button" href="{esc(link[0])}">{esc(link[1])}</a></p>' if link else ""
    return f"<h1>{esc(heading)}</h1><p>{esc(text)}</p>{more}"


def error_page(t: Translator, message_key: str, *, joined: bool) -> str:
    link = ("/", t("back")) if joined else None
    body = message_block(t("sorry"), t(message_key), link=link)
    if not joined and message_key in ("not_joined", "bad_code", "not_found"):
        body += join_form(t)
    return participant_frame(t, body)


def join_form(t: Translator, *, error: str = "") -> str:
    problem = f'<p class="error" role="alert">{esc(error)}</p>' if error else ""
    return (
        f'<form method="get" action="/j" class="join">{problem}'
        f'<label for="code">{esc(t("join_code"))}</label>'
        '<input id="code" name="code" inputmode="numeric" autocomplete="off" maxlength="12"'
        ' pattern="[0-9 ]*" required>'
        f'<button type="submit">{esc(t("join_button"))}</button></form>'
    )


def join_page(t: Translator, *, error: str = "") -> str:
    body = f"<h1>{esc(t('join_heading'))}</h1><p>{esc(t('join_prompt'))}</p>" + join_form(
        t, error=error
    )
    return participant_frame(t, body)


def weather_page(t: Translator) -> str:
    """The quick-exit page: dull, local, and with nothing that points back to the workshop."""
    return (
        f'<!doctype html><html lang="{t.language}" dir="{t.direction}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta name="referrer" content="no-referrer"><title>{esc(t("weather"))}</title>'
        '<link rel="stylesheet" href="/s/p.css"></head><body><main>'
        f"<h1>{esc(t('weather'))}</h1><p>{esc(t('weather_today'))}</p>"
        f"<p>{esc(t('weather_tomorrow'))}</p></main></body></html>"
    )


# -- the participant's item ------------------------------------------------------


def waiting_block(t: Translator) -> str:
    return (
        f'<div class="wait"><h1>{esc(t("waiting"))}</h1>'
        f'<p class="hint">{esc(t("waiting_hint"))}</p></div>'
    )


def value_to_raw(form: Form, value: Mapping[str, Any] | None) -> dict[str, list[str]]:
    """A stored answer as the form data that would give it, to prefill the form."""
    raw: dict[str, list[str]] = {}
    if not value:
        return raw
    for f in form.fields:
        given = value.get(f.name)
        if given is None:
            continue
        if isinstance(f, MultiField):
            raw[f.name] = [str(i) for i in given]
        elif isinstance(f, RankField):
            for place, option in enumerate(given, start=1):
                raw[f"{f.name}.{option}"] = [str(place)]
        elif isinstance(f, GridField | PointsField):
            for key, number in zip(f.keys(), given, strict=False):
                raw[key] = [str(number)]
        else:
            raw[f.name] = [str(given)]
    return raw


def _first(raw: RawForm, key: str) -> str:
    values = raw.get(key) or ()
    return values[0] if values else ""


def _field_id(name: str, *parts: object) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in name)
    return "-".join(["f", safe, *map(str, parts)])


def _checked(condition: bool) -> str:
    return " checked" if condition else ""


def _help(f: Field, extra: str = "") -> str:
    texts = [text for text in (f.help, extra) if text]
    return "".join(f'<p class="hint">{esc(text)}</p>' for text in texts)


def _error(message: str | None) -> str:
    return f'<p class="error" role="alert">{esc(message)}</p>' if message else ""


def _scale_label(labels: Sequence[str], low: int, high: int, value: int) -> str:
    if len(labels) == high - low + 1:
        return labels[value - low]
    if len(labels) == 2 and value in (low, high):
        return labels[0] if value == low else labels[1]
    return ""


def _radio_row(
    name: str, id_base: str, low: int, high: int, labels: Sequence[str], chosen: str, required: bool
) -> str:
    options = []
    for point in range(low, high + 1):
        label = _scale_label(labels, low, high, point)
        words = f"<small>{esc(label)}</small>" if label else ""
        options.append(
            f'<label class="pt" for="{id_base}-{point}"><input type="radio" id="{id_base}-{point}"'
            f' name="{esc(name)}" value="{point}"{_checked(chosen == str(point))}'
            f"{' required' if required else ''}><b>{point}</b>{words}</label>"
        )
    return f'<div class="scale">{"".join(options)}</div>'


def _grid(f: GridField, raw: RawForm) -> str:
    """A grid kept light, since a risk map can have over a hundred radios.

    The point labels come once, in a row above the columns, read out once by screen
    readers (each with its number); each radio is a tap-sized label whose text, and
    accessible name, is its number, grouped under its row's legend. No ids, and only
    one radio per row carries ``required`` (that makes the group required).
    """
    points = range(f.min, f.max + 1)
    words = [_scale_label(f.labels, f.min, f.max, p) for p in points]
    head = ""
    if any(words):
        head = (
            '<p class="gh">'
            + "".join(
                f"<span><b>{p} </b>{esc(w)}</span>" for p, w in zip(points, words, strict=True)
            )
            + "</p>"
        )
    required = " required" if f.required else ""
    rows = []
    for i, row_label in enumerate(f.rows):
        key = f"{f.name}.{i}"
        name = key if _BARE.fullmatch(key) else f'"{esc(key)}"'
        chosen = _first(raw, key)
        radios = "".join(
            f"<label><input type=radio name={name} value={p}"
            f"{required if n == 0 else ''}{_checked(chosen == str(p))}>{p}</label>"
            for n, p in enumerate(points)
        )
        rows.append(f"<fieldset><legend>{esc(row_label)}</legend><div>{radios}</div></fieldset>")
    return f'<div class="g" dir="auto">{head}{"".join(rows)}</div>'


def field_html(f: Field, raw: RawForm, t: Translator, error: str | None = None) -> str:
    """One field as accessible HTML: fieldsets with legends for groups, labels for inputs."""
    name = f.name
    required = " required" if f.required else ""
    if isinstance(f, ChoiceField):
        chosen = _first(raw, name)
        options = "".join(
            f'<label class="opt" for="{_field_id(name, i)}"><input type="radio"'
            f' id="{_field_id(name, i)}" name="{esc(name)}" value="{i}"'
            f"{_checked(chosen == str(i))}{required}>"
            f'<span dir="auto">{esc(option)}</span></label>'
            for i, option in enumerate(f.options)
        )
        return _fieldset(f, options, error)
    if isinstance(f, MultiField):
        chosen_set = set(raw.get(name) or ())
        hint = t("choose_up_to", max=f.max) if f.max is not None else ""
        if f.min > 1:
            hint = (t("choose_at_least", min=f.min) + " " + hint).strip()
        options = "".join(
            f'<label class="opt" for="{_field_id(name, i)}"><input type="checkbox"'
            f' id="{_field_id(name, i)}" name="{esc(name)}" value="{i}"'
            f"{_checked(str(i) in chosen_set)}>"
            f'<span dir="auto">{esc(option)}</span></label>'
            for i, option in enumerate(f.options)
        )
        return _fieldset(f, options, error, hint)
    if isinstance(f, ScaleField):
        row = _radio_row(
            name, _field_id(name), f.min, f.max, f.labels, _first(raw, name), f.required
        )
        return _fieldset(f, row, error)
    if isinstance(f, TextField):
        field_id = _field_id(name)
        text = _first(raw, name)
        if f.multiline:
            box = (
                f'<textarea id="{field_id}" name="{esc(name)}" rows="4" maxlength="{f.max_length}"'
                f"{required}>{esc(text)}</textarea>"
            )
        else:
            box = (
                f'<input type="text" id="{field_id}" name="{esc(name)}" value="{esc(text)}"'
                f' maxlength="{f.max_length}" autocomplete="off"{required}>'
            )
        return (
            f'<div class="field"><label class="q" dir="auto" for="{field_id}">'
            f"{esc(f.label)}</label>"
            f"{_help(f, t('max_chars', max=f.max_length))}{_error(error)}{box}</div>"
        )
    if isinstance(f, RankField):
        count = len(f.options)
        rows = []
        for i, option in enumerate(f.options):
            key = f"{name}.{i}"
            chosen = _first(raw, key)
            choices = "".join(
                f'<option value="{p}"{" selected" if chosen == str(p) else ""}>{p}</option>'
                for p in range(1, count + 1)
            )
            rows.append(
                f'<div class="rank"><label for="{_field_id(name, i)}">{esc(option)}</label>'
                f'<select id="{_field_id(name, i)}" name="{esc(key)}"{required}>'
                f'<option value="">{esc(t("place"))}</option>{choices}</select></div>'
            )
        return _fieldset(f, "".join(rows), error, t("rank_hint"))
    if isinstance(f, GridField):
        return _fieldset(f, _grid(f, raw), error)
    if isinstance(f, PointsField):
        rows = []
        for i, option in enumerate(f.options):
            key = f"{name}.{i}"
            rows.append(
                f'<div class="rank"><label for="{_field_id(name, i)}">{esc(option)}</label>'
                f'<input type="number" id="{_field_id(name, i)}" name="{esc(key)}" min="0"'
                f' max="{f.total}" step="1" inputmode="numeric" value="{esc(_first(raw, key))}">'
                "</div>"
            )
        return _fieldset(f, "".join(rows), error, t("points_hint", total=f.total))
    return _error(t("unavailable"))


def _fieldset(f: Field, inner: str, error: str | None, hint: str = "") -> str:
    return (
        f'<fieldset class="field"><legend class="q" dir="auto">{esc(f.label)}</legend>'
        f"{_help(f, hint)}{_error(error)}{inner}</fieldset>"
    )


def answer_error_text(error: AnswerError, t: Translator) -> str:
    text = t("err_" + error.code, **error.params)
    if error.code == "invalid" and error.message and error.message != t("err_invalid"):
        # A plugin's own rule, in the agenda's words.
        return f"{text} {error.message}"
    return text


def item_block(
    t: Translator,
    *,
    item_id: str,
    title: str,
    form: Form,
    phase_open: bool,
    answered: bool,
    raw: RawForm,
    form_token: str,
    error: AnswerError | None = None,
) -> str:
    """The current item: its form (prefilled), the confirmation, or that it is closed."""
    parts = [f'<h1 dir="auto">{esc(title)}</h1>']
    if form.intro:
        parts.append(f'<p class="intro" dir="auto">{esc(form.intro)}</p>')
    if answered and error is None:
        parts.append(
            f'<p class="ok" role="status">{esc(t("received"))}'
            + (f" {esc(t('can_change'))}" if phase_open else "")
            + "</p>"
        )
    if not phase_open:
        if not answered:
            parts.append(f'<p class="note">{esc(t("closed"))}</p>')
        parts.append(waiting_block(t))
        return "".join(parts)
    general = ""
    if error is not None and error.field is None:
        general = _error(answer_error_text(error, t))
    fields = "".join(
        field_html(
            f, raw, t, answer_error_text(error, t) if error and error.field == f.name else None
        )
        for f in form.fields
    )
    token = f'<input type="hidden" name="{FORM_TOKEN_FIELD}" value="{esc(form_token)}">'
    parts.append(
        f'<form method="post" action="{esc(item_path("/a", item_id))}">{token}{general}{fields}'
        f'<button type="submit">{esc(t("update" if answered else "send"))}</button></form>'
    )
    if answered:
        parts.append(
            f'<form method="post" action="{esc(item_path("/r", item_id))}" class="retract">{token}'
            f'<button type="submit" class="quiet">{esc(t("withdraw"))}</button></form>'
        )
    return "".join(parts)


# -- results, for the projector ---------------------------------------------------


def _bar_svg(fraction: float, marked: bool) -> str:
    width = max(0.0, min(1.0, fraction)) * 100
    css = "bar mark" if marked else "bar"
    return (
        f'<svg class="{css}" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">'
        '<rect width="100" height="10" class="track"/>'
        f'<rect width="{width:.2f}" height="10"/></svg>'
    )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _mean(row: views.SpreadRow, points: tuple[int, ...]) -> str:
    mean = row.mean(points)
    return "" if mean is None else f"{mean:.1f}"


def block_html(block: views.Block) -> str:
    """One result block drawn as HTML and inline SVG (CSS classes only, no inline style)."""
    heading = getattr(block, "title", "")
    title = f"<h3>{esc(heading)}</h3>" if heading else ""
    if isinstance(block, views.Bars):
        top = max((row.value for row in block.rows), default=0) or 1
        rows = "".join(
            f'<li{" class=mark" if row.marked else ""}><span class="label">{esc(row.label)}</span>'
            f"{_bar_svg(row.value / top, row.marked)}"
            f'<span class="n">{_number(row.value)}</span></li>'
            for row in block.rows
        )
        return f'<div class="block bars">{title}<ul>{rows}</ul></div>'
    if isinstance(block, views.Spread):
        labels = block.point_labels if len(block.point_labels) == len(block.points) else ()
        head = "".join(
            f"<th>{esc(labels[i] if labels else p)}</th>" for i, p in enumerate(block.points)
        )
        body = "".join(
            f"<tr><th>{esc(row.label)}</th>"
            + "".join(f"<td>{c}</td>" for c in row.counts)
            + f"<td>{_mean(row, block.points)}</td>"
            "</tr>"
            for row in block.rows
        )
        return (
            f'<div class="block spread">{title}<table><thead><tr><th></th>{head}<th>⌀</th></tr>'
            f"</thead><tbody>{body}</tbody></table></div>"
        )
    if isinstance(block, views.Heatmap):
        top = max((c for row in block.cells for c in row), default=0) or 1
        head = "".join(f"<th>{esc(label)}</th>" for label in block.column_labels)
        body = "".join(
            f"<tr><th>{esc(label)}</th>"
            + "".join(f'<td class="h{math.ceil(4 * c / top)}">{c}</td>' for c in row)
            + "</tr>"
            for label, row in zip(block.row_labels, block.cells, strict=False)
        )
        corner = esc(f"{block.row_title} / {block.column_title}".strip(" /"))
        return (
            f'<div class="block heat">{title}<table><thead><tr><th>{corner}</th>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>"
        )
    if isinstance(block, views.Words):
        top = max((n for _, n in block.words), default=0) or 1
        words = " ".join(
            f'<span class="w{1 + math.ceil(4 * n / top)}">{esc(word)}</span>'
            for word, n in block.words
        )
        return f'<div class="block words">{title}<p>{words}</p></div>'
    if isinstance(block, views.Texts):
        texts = "".join(f"<li>{esc(text)}</li>" for text in block.texts)
        return f'<div class="block texts">{title}<ul>{texts}</ul></div>'
    if isinstance(block, views.Table):
        head = "".join(f"<th>{esc(h)}</th>" for h in block.headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>"
            for row in block.rows
        )
        return (
            f'<div class="block table">{title}<table><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>"
        )
    if isinstance(block, views.Radar):
        return f'<div class="block radar">{title}{radar_svg(block)}</div>'
    if isinstance(block, views.Note):
        return f'<p class="block note">{esc(block.text)}</p>'
    return ""


def radar_svg(block: views.Radar) -> str:
    count = len(block.axes)
    if count < 3:
        return ""
    span = (block.maximum - block.minimum) or 1

    def point(index: int, fraction: float, radius: float = 80) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        return 100 + radius * fraction * math.cos(angle), 100 + radius * fraction * math.sin(angle)

    rings = "".join(
        '<polygon class="ring" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, level / 4) for i in range(count)))
        + '"/>'
        for level in range(1, 5)
    )
    values = " ".join(
        f"{x:.1f},{y:.1f}"
        for x, y in (
            point(i, max(0.0, min(1.0, (v - block.minimum) / span)))
            for i, v in enumerate(block.values)
        )
    )
    labels = "".join(
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle">{esc(axis)}</text>'
        for axis, (x, y) in ((axis, point(i, 1, 92)) for i, axis in enumerate(block.axes))
    )
    return (
        f'<svg viewBox="-20 0 240 200" role="img">{rings}<polygon class="val" points="{values}"/>'
        f"{labels}</svg>"
    )


def view_html(blocks: Iterable[views.Block]) -> str:
    return "".join(block_html(block) for block in blocks)


# -- facilitator pages ------------------------------------------------------------


def facilitator_frame(
    title: str, body: str, *, script: str, data: Mapping[str, str], language: str = "en"
) -> str:
    """A facilitator page; the projector's is in the agenda's ``language`` (for the room)."""
    attributes = "".join(f' data-{key}="{esc(value)}"' for key, value in data.items())
    direction = Translator(language).direction
    return (
        f'<!doctype html><html lang="{esc(language)}" dir="{direction}"><head>'
        '<meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta name="referrer" content="no-referrer"><title>{esc(title)}</title>'
        '<link rel="stylesheet" href="/s/p.css"><link rel="stylesheet" href="/s/screen.css">'
        f'<script src="/s/{script}" defer></script></head>'
        f'<body class="facilitator"><div id="live"{attributes}>{body}</div></body></html>'
    )
