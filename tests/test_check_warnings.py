"""Free text is moderated by default, and `facilitate check` warns when an agenda turns it off.

A word cloud once sent a participant's full name to the projector and the report; now
every word waits for the facilitator's approval unless the agenda says otherwise, and
the check says so (a warning: the agenda still runs).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitate import agenda, cli
from facilitate.testing import Rehearsal

ROOT = Path(__file__).resolve().parent.parent
NAME = "Amina Haddad"

CLOUD = """
title = "Words"
k = 1

[[items]]
id = "cloud"
title = "One word"
duration = "5m"
[items.activity]
type = "wordcloud"
question = "One word for how you feel?"
max_words = 1
"""


def test_a_word_cloud_shows_no_word_before_it_is_approved() -> None:
    with Rehearsal(CLOUD) as room:
        room.answer({"word1": NAME}, "cloud")
        room.close_answering("cloud")
        room.reveal("cloud")
        assert NAME.lower() not in str(room.public_view("cloud"))
        assert NAME.lower() not in room.written_report("md")
        assert room.approve_all("cloud") == 1
        assert NAME.lower() in str(room.public_view("cloud"))


UNMODERATED = """
title = "Loose"

[[items]]
title = "Welcome"
duration = "5m"

[[items]]
title = "One word"
duration = "5m"
[items.activity]
type = "wordcloud"
question = "One word?"
moderate = false

[[items]]
title = "Open"
duration = "5m"
[items.activity]
type = "text"
question = "Anything?"
moderate = false

[[items]]
title = "Kept"
duration = "5m"
[items.activity]
type = "text"
question = "Anything else?"
"""


def test_check_warns_about_each_item_that_turns_moderation_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loose = tmp_path / "loose.toml"
    loose.write_text(UNMODERATED)
    assert cli.main(["check", str(loose)]) == 0  # a warning, not a failure
    out, err = capsys.readouterr()
    assert out.startswith(f"{loose}: ok: 'Loose'")
    warnings = err.splitlines()
    assert len(warnings) == 2, err
    assert warnings[0].startswith(f"warning: {loose}: item 2 'One word': activity.moderate: ")
    assert warnings[1].startswith(f"warning: {loose}: item 3 'Open': activity.moderate: ")
    assert all("without your approval" in line for line in warnings)


def test_no_warning_where_text_stays_off_the_projector_or_is_moderated() -> None:
    private = """
title = "Private"
[[items]]
title = "Evaluation"
duration = "5m"
[items.activity]
type = "evaluation"
questions = [{ kind = "text", text = "What would you change?" }]
"""
    warnings = agenda.agenda_warnings
    assert warnings(agenda.loads_agenda(private), "private.toml") == []
    kept = UNMODERATED.replace("moderate = false", "moderate = true")
    assert warnings(agenda.loads_agenda(kept), "kept.toml") == []


def test_the_shipped_agendas_pass_without_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    shipped = sorted((ROOT / "facilitate" / "agendas").glob("*.toml"))
    assert shipped
    assert cli.main(["check", *map(str, shipped)]) == 0
    assert "warning" not in capsys.readouterr().err
