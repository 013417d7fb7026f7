"""HTML made one way: Jinja2 templates with autoescape, and markupsafe for fragments in code.

Every piece of HTML facilitate sends or writes is either a Jinja2 template (autoescape on,
so every value is escaped unless it is already :class:`~markupsafe.Markup`) or a fragment
built in code with ``Markup("<li>{}</li>").format(text)``, which escapes its arguments the
same way. Nothing concatenates untrusted text into a string of HTML by hand; there is no
other escaping helper to remember.

Templates get the translator's functions as ``_``, ``ngettext``, ``pgettext`` and
``npgettext`` (so ``pybabel`` and :mod:`facilitate.i18n.catalogs` find their messages)
and the translator itself as ``t`` (for ``t.number``, ``t.direction`` ...).
"""

from __future__ import annotations

import functools
from typing import Any

import jinja2
from markupsafe import Markup, escape

from facilitate.i18n import Translator

__all__ = ["Markup", "environment", "escape", "render"]


@functools.lru_cache(maxsize=8)
def environment(package: str) -> jinja2.Environment:
    """The template environment for the ``templates`` folder of ``package``."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def render(package: str, name: str, t: Translator, /, **values: Any) -> str:
    """Render template ``name`` of ``package`` with the words of ``t``."""
    template = environment(package).get_template(name)
    return template.render(
        _=t.gettext,
        gettext=t.gettext,
        ngettext=t.ngettext,
        pgettext=t.pgettext,
        npgettext=t.npgettext,
        t=t,
        **values,
    )
