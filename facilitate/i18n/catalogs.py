"""Keep gettext catalogs in step with the code: extract messages, update every ``.po`` file.

``make messages`` runs this for facilitate and each first-party plugin; a plugin author
can run it on their own package::

    python -m facilitate.i18n.catalogs update SOURCE_DIR LOCALE_DIR DOMAIN [--exclude DIR]
    python -m facilitate.i18n.catalogs check  SOURCE_DIR LOCALE_DIR DOMAIN [--exclude DIR]

``update`` writes ``LOCALE_DIR/DOMAIN.pot`` and merges it into each language's
``LOCALE_DIR/<lang>/LC_MESSAGES/DOMAIN.po`` (new languages get a catalog with CLDR's
plural rule). ``check`` lists the messages a language lacks and exits 1 if any does.
Messages are found in Python (``gettext``, ``ngettext``, ``pgettext``, ``npgettext``,
``N_`` and ``_``, also as methods such as ``t.gettext``) and in Jinja2 templates.
"""

from __future__ import annotations

import argparse
import copy
import io
import sys
from collections.abc import Sequence
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from facilitate.i18n import LANGUAGES, MessageCatalog

METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
PROJECT = "facilitate"


def extract(source: Path, *, exclude: Sequence[Path] = ()) -> Catalog:
    """Every message marked for translation under ``source`` (a template catalog)."""
    source = source.resolve()
    skipped = [p.resolve() for p in exclude]
    template = Catalog(project=PROJECT, fuzzy=False)

    def wanted(filename: str) -> bool:
        path = (source / filename).resolve()
        return not any(path.is_relative_to(skip) for skip in skipped)

    for filename, lineno, message, comments, context in extract_from_dir(
        str(source),
        method_map=METHODS,
        keywords=DEFAULT_KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        if not wanted(filename) or "/tests/" in f"/{filename}":
            continue
        template.add(
            message,
            None,
            [(filename, lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def _read(path: Path, language: str, domain: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=domain)


def _write(path: Path, catalog: Catalog) -> None:
    # Files without line numbers, so moving code does not rewrite every catalog.
    buffer = io.BytesIO()
    write_po(
        buffer, catalog, width=100, sort_output=False, include_previous=True, include_lineno=False
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


MessageKey = str | tuple[str, str]


def _key(message_id: str | Sequence[str], context: str | None) -> MessageKey:
    key = message_id if isinstance(message_id, str) else message_id[0]
    return (key, context) if context else key


def _translated(message: Message) -> bool:
    strings = message.string
    if isinstance(strings, str):
        return bool(strings)
    return strings is not None and bool(strings) and all(strings)


def update(
    source: Path, target: MessageCatalog, *, exclude: Sequence[Path] = (), prune: bool = False
) -> None:
    """Write the template and merge it into every language's catalog.

    Messages no longer in the code are kept as obsolete (``#~``) entries, and come back
    with their translation if the code uses them again; ``prune`` drops them.
    """
    template = extract(source, exclude=exclude)
    pot = Path(target.directory) / f"{target.domain}.pot"
    if pot.exists():
        previous = _read(pot, "en", target.domain)
        if {_key(m.id, m.context) for m in previous} == {_key(m.id, m.context) for m in template}:
            template.creation_date = previous.creation_date  # nothing new: no new date either
    _write(pot, template)
    for language in LANGUAGES:
        path = target.path(language)
        if path.exists():
            catalog = _read(path, language, target.domain)
        else:
            catalog = Catalog(locale=language, domain=target.domain, project=PROJECT)
        memory: dict[MessageKey, Message] = {
            _key(m.id, m.context): m for m in catalog.obsolete.values()
        }
        # Each language gets its own copy: Catalog.update shares the template's messages.
        catalog.update(
            copy.deepcopy(template), no_fuzzy_matching=False, update_header_comment=False
        )
        for message in catalog:
            old = memory.pop(_key(message.id, message.context), None)
            revive = message.fuzzy or not _translated(message)
            if message.id and old is not None and revive and _translated(old):
                message.string, message.flags = old.string, set()
            if not message.fuzzy:
                message.previous_id = []  # only a guess still to review keeps its source
        catalog.obsolete.update(memory)
        if prune:
            catalog.obsolete.clear()
        _write(path, catalog)


def missing(
    source: Path, target: MessageCatalog, *, exclude: Sequence[Path] = ()
) -> dict[str, list[str]]:
    """For each language but English, the messages in the code it has no translation for."""
    template = extract(source, exclude=exclude)
    found: dict[str, list[str]] = {}
    for language in LANGUAGES:
        if language == "en":
            continue
        path = target.path(language)
        catalog = _read(path, language, target.domain) if path.exists() else None
        lacking = []
        for message in template:
            if not message.id:
                continue
            have = catalog.get(message.id, message.context) if catalog is not None else None
            strings = () if have is None else have.string
            if isinstance(strings, str):
                strings = (strings,)
            if have is None or have.fuzzy or not strings or not all(strings):
                key = message.id[0] if isinstance(message.id, tuple | list) else message.id
                lacking.append(key if not message.context else f"{message.context}|{key}")
        if lacking:
            found[language] = lacking
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m facilitate.i18n.catalogs")
    parser.add_argument("action", choices=("update", "check"))
    parser.add_argument("source", type=Path, help="the package folder to read messages from")
    parser.add_argument("locale", type=Path, help="the folder holding the catalogs")
    parser.add_argument("domain", help="the catalogs' name (their .po file name)")
    parser.add_argument("--exclude", type=Path, action="append", default=[])
    parser.add_argument("--prune", action="store_true", help="drop messages the code no longer has")
    args = parser.parse_args(argv)
    target = MessageCatalog(args.locale, args.domain)
    if args.action == "update":
        update(args.source, target, exclude=args.exclude, prune=args.prune)
        print(f"{args.domain}: catalogs updated in {args.locale}")
        return 0
    lacking = missing(args.source, target, exclude=args.exclude)
    for language, messages in lacking.items():
        print(f"{args.domain} [{language}]: {len(messages)} messages untranslated")
        for message in messages:
            print(f"    {message!r}")
    return 1 if lacking else 0


if __name__ == "__main__":
    sys.exit(main())
