"""Workshop reports: a stored session as HTML (with SVG charts), Markdown, CSV or JSON.

:func:`facilitate.report.collect.load_report` (or :func:`~facilitate.report.collect.collect`
for a live engine) reads a session into a :class:`~facilitate.report.model.Report`, with
what may be shown decided by the room model (:mod:`facilitate.room`) once, there;
:func:`render` writes it in one of :data:`FORMATS`, worded in the room's language. Each
activity type contributes its section through its ``report(config, result, context)``
method, in view blocks drawn by the report and Markdown media of
:mod:`facilitate.render`, and its per-answer rows through its ``export``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from facilitate.report.model import Report

SUFFIXES = {
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".csv": "csv",
    ".json": "json",
}


def _renderers() -> dict[str, Callable[[Report], str]]:
    from facilitate.report import csv_export, html, json_export, markdown

    return {
        "html": html.render,
        "md": markdown.render,
        "csv": csv_export.render,
        "json": json_export.render,
    }


FORMATS = ("html", "md", "csv", "json")


def render(report: Report, format: str) -> str:
    """The report as text in ``format`` (one of :data:`FORMATS`)."""
    try:
        renderer = _renderers()[format]
    except KeyError:
        raise ValueError(f"unknown report format {format!r}; known: {', '.join(FORMATS)}") from None
    return renderer(report)


def format_for(path: str | Path | None) -> str | None:
    """The format a file name asks for by its suffix, if it asks for one."""
    if path is None:
        return None
    return SUFFIXES.get(Path(path).suffix.lower())
