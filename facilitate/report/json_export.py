"""The report as JSON, for analysis: everything the other formats show, and the raw values.

The schema is documented in docs/report-schema.md; ``format`` and ``version`` say which
schema a file follows.
"""

from __future__ import annotations

import json
from typing import Any

import attrs

from facilitate.report.model import ItemReport, Report
from facilitate.views import Block

FORMAT = "facilitate-report"
VERSION = 1


def block_data(block: Block) -> dict[str, Any]:
    """A view block as plain data, with its kind ("bars", "spread" ...) first."""
    return {"kind": type(block).__name__.lower(), **attrs.asdict(block)}


def item_data(item: ItemReport) -> dict[str, Any]:
    return {
        "number": item.number,
        "id": item.id,
        "title": item.title,
        "type": item.kind,
        "type_title": item.type_title,
        "prompt": item.prompt,
        "planned_seconds": item.planned,
        "actual_seconds": item.actual,
        "adjustment_seconds": item.adjustment,
        "k": item.k,
        "answer_count": item.answer_count,
        "status": item.status,
        "under_threshold_shown": item.small,
        "fields": [attrs.asdict(f) for f in item.fields],
        "answers": [
            {
                "number": answer.number,
                "cells": [
                    {"field": c.field, "label": c.label, "value": c.value, "text": c.text}
                    for c in answer.cells
                ],
            }
            for answer in item.answers
        ],
        "blocks": [block_data(block) for block in item.blocks],
        "moderation": {
            "approved": item.approved,
            "rejected": item.rejected,
            "pending": item.pending,
        },
        "error": item.error,
    }


def report_data(report: Report) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "generator": report.generator,
        "session": {
            "id": report.session_id,
            "title": report.title,
            "description": report.description,
            "language": report.language,
            "date": report.date,
            "participants_joined": report.joined,
            "k": report.k,
            "include_small": report.include_small,
            "rehearsal": attrs.asdict(report.rehearsal) if report.rehearsal else None,
        },
        "timing": {
            "planned_seconds": report.planned,
            "actual_seconds": report.actual,
            "planned_seconds_of_items_run": report.planned_run,
        },
        "totals": {
            "items": len(report.items),
            "activities": report.activities,
            "answers": report.answer_count,
            "texts_withheld": report.withheld_texts,
        },
        "items": [item_data(item) for item in report.items],
    }


def render(report: Report) -> str:
    return json.dumps(report_data(report), ensure_ascii=False, indent=2) + "\n"
