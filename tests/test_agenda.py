"""Agendas: durations, the TOML round trip, and `facilitate check` on good and broken files."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitate import cli
from facilitate.activities import CORE_TYPE_REFERENCES
from facilitate.agenda import (
    STARTER_AGENDA,
    AgendaError,
    dumps_agenda,
    load_agenda,
    loads_agenda,
    without_configs,
)
from facilitate.api import hookimpl
from facilitate.model import DurationError, format_duration, parse_duration
from facilitate.plugins import default_plugins

ROOT = Path(__file__).resolve().parent.parent
AGENDAS = ROOT / "facilitate" / "agendas"  # shipped in the package as templates
BROKEN = ROOT / "tests" / "broken_agendas"
GOOD_DURATION = 'expected a duration like "15m", "1h30m" or "90s"'

# -- durations ------------------------------------------------------------------------


@settings(max_examples=200)
@given(st.integers(1, 10 * 24 * 3600))
def test_a_formatted_duration_parses_back_to_the_same_seconds(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds


@settings(max_examples=200)
@given(
    st.one_of(
        st.text(max_size=12),
        st.from_regex(r"\A\s*(\d{1,3}\s*[hms]\s*){1,3}\Z"),
    )
)
def test_any_text_is_a_positive_duration_or_a_clear_duration_error(text: str) -> None:
    try:
        seconds = parse_duration(text)
    except DurationError as error:
        assert "expected" in str(error) or "longer than zero" in str(error)
        return
    assert seconds > 0
    assert parse_duration(format_duration(seconds)) == seconds


@pytest.mark.parametrize(
    ("text", "seconds"), [("15m", 900), ("1h30m", 5400), ("90s", 90), ("1h 5m 30s", 3930)]
)
def test_durations_read_as_written(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "15", "15 minutes", "0m", "5m1h", "1m2m", "-5m", "1.5h"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(DurationError):
        parse_duration(text)


# -- the TOML round trip --------------------------------------------------------------


def assert_round_trips(text: str) -> None:
    first = loads_agenda(text)
    second = loads_agenda(dumps_agenda(first))
    assert without_configs(second) == without_configs(first)
    assert dumps_agenda(second) == dumps_agenda(first)


def test_the_demo_and_the_starter_agenda_round_trip() -> None:
    assert_round_trips((AGENDAS / "demo.toml").read_text(encoding="utf-8"))
    assert_round_trips(STARTER_AGENDA.format(name="new.toml"))


ACTIVITIES = [
    {"type": "choice", "question": "Which?", "options": ["A", "B"]},
    {"type": "multi", "question": "Which ones?", "options": ["A", "B", "C"], "min": 0},
    {"type": "scale", "question": "How?", "min": 0, "max": 4, "labels": ["Low", "High"]},
    {"type": "text", "question": "Why?", "max_length": 100, "moderate": False},
    {"type": "wordcloud", "question": "Words?", "max_words": 2, "stop_words": ["x"]},
    {"type": "ranking", "question": "Order?", "options": ["A", "B", "C"]},
    {"type": "quiz", "question": "Right?", "options": ["A", "B"], "correct": "B"},
]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
TITLES = TEXT.filter(lambda t: t.strip() != "")


@st.composite
def agenda_data(draw: st.DrawFn) -> dict[str, Any]:
    ids = draw(st.lists(st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,10}\Z"), unique=True, max_size=6))
    items = []
    for item_id in [*ids, *([None] * draw(st.integers(1 if not ids else 0, 3)))]:
        item: dict[str, Any] = {
            "title": draw(TITLES),
            "duration": format_duration(draw(st.integers(1, 4 * 3600))),
        }
        if item_id is not None:
            item["id"] = item_id
        if draw(st.booleans()):
            item["notes"] = draw(TEXT)
        if draw(st.booleans()):
            item["k"] = draw(st.integers(1, 100))
        if draw(st.booleans()):
            item["activity"] = draw(st.sampled_from(ACTIVITIES))
        items.append(item)
    data: dict[str, Any] = {
        "title": draw(TITLES),
        "language": draw(st.sampled_from(["en", "es", "fr", "ar", "id", "pt-BR"])),
        "k": draw(st.integers(1, 100)),
        "items": items,
    }
    if draw(st.booleans()):
        data["description"] = draw(TEXT)
    if draw(st.booleans()):
        data["start"] = draw(st.times()).strftime("%H:%M")
    return data


@settings(max_examples=150, deadline=None)
@given(agenda_data())
def test_any_valid_agenda_round_trips_through_toml(data: dict[str, Any]) -> None:
    agenda = loads_agenda(tomli_w.dumps(data))

    def as_kept(text: str) -> str:  # newlines are kept as "\n" only
        return text.replace("\r\n", "\n")

    assert agenda.title == as_kept(data["title"])
    assert [item.title for item in agenda.items] == [
        as_kept(item["title"]) for item in data["items"]
    ]
    assert len({item.id for item in agenda.items}) == len(agenda.items)
    if "start" in data:
        assert agenda.start == dt.time.fromisoformat(data["start"])
    assert_round_trips(tomli_w.dumps(data))


def test_the_demo_uses_every_core_type_with_talks_breaks_and_notes() -> None:
    agenda = load_agenda(AGENDAS / "demo.toml")
    kinds = {item.kind for item in agenda.items}
    assert set(CORE_TYPE_REFERENCES) <= kinds
    assert "talk" in kinds
    assert any("break" in item.title.lower() for item in agenda.items)
    assert all(item.notes for item in agenda.items if item.kind == "talk")
    assert 80 * 60 <= agenda.planned_seconds <= 100 * 60


# -- facilitate check -----------------------------------------------------------------


def check(capsys: pytest.CaptureFixture[str], *files: Path | str) -> tuple[int, str, str]:
    code = cli.main(["check", *map(str, files)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_check_passes_the_demo_agenda(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check(capsys, AGENDAS / "demo.toml")
    assert code == 0, err
    assert err == ""
    first, *listed = out.splitlines()
    assert first == (
        f"{AGENDAS / 'demo.toml'}: ok: 'Safer together: an introduction to integrated security',"
        " 13 items (8 with an activity), 1h30m planned"
    )
    assert len(listed) == 1 + 13  # a header, then each item with its id


def test_check_lists_each_items_id_type_and_duration(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """So that ``from = "..."`` can be written without guessing an id."""
    agenda = tmp_path / "ids.toml"
    agenda.write_text(
        'title = "Ids"\nlanguage = "es"\n'
        '[[items]]\ntitle = "¿Cómo llegas hoy?"\nduration = "5m"\n'
        '[items.activity]\ntype = "scale"\nquestion = "¿Cómo llegas?"\n'
        '[[items]]\nid = "cierre"\ntitle = "Cierre"\nduration = "10m"\n',
        encoding="utf-8",
    )
    code, out, err = check(capsys, agenda)
    assert code == 0, err
    rows = [line.split() for line in out.splitlines()[1:]]
    assert rows[0] == ["#", "id", "type", "time", "title"]
    assert rows[1][:4] == ["1", "como-llegas-hoy", "scale", "5m"]
    assert rows[2] == ["2", "cierre", "talk", "10m", "Cierre"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("¿Cómo llegas hoy?", "como-llegas-hoy"),
        ("Evaluación", "evaluacion"),
        ("Straße der Solidarität", "strasse-der-solidaritat"),
        ("Œuvre commune — à deux", "oeuvre-commune-a-deux"),
        ("Ñandutí", "nanduti"),
        (  # long titles are cut between words
            "Comprobación rápida: violencia de particulares",
            "comprobacion-rapida-violencia-de",
        ),
    ],
)
def test_item_ids_keep_their_letters_without_accents(title: str, expected: str) -> None:
    agenda = loads_agenda(f'title = "T"\n[[items]]\ntitle = "{title}"\nduration = "5m"\n')
    assert agenda.items[0].id == expected


def test_a_title_without_latin_letters_gets_its_number() -> None:
    agenda = loads_agenda(
        'title = "T"\n[[items]]\ntitle = "مرحبا"\nduration = "5m"\n'
        '[[items]]\ntitle = "خريطة التهديدات"\nduration = "5m"\n'
    )
    assert [item.id for item in agenda.items] == ["item-1", "item-2"]


def test_a_stored_agenda_keeps_its_old_ids() -> None:
    """Sessions store their agenda with explicit ids, so resuming one started before ids
    kept their letters finds its answers under the same ids."""
    stored = loads_agenda(
        'title = "T"\n[[items]]\nid = "c-mo-llegas-hoy"\ntitle = "¿Cómo llegas hoy?"\n'
        'duration = "5m"\n'
    )
    again = loads_agenda(dumps_agenda(stored))
    assert again.items[0].id == "c-mo-llegas-hoy"


def test_an_old_id_in_from_says_what_the_id_is_now() -> None:
    with pytest.raises(AgendaError) as raised:
        loads_agenda(
            'title = "T"\n[[items]]\ntitle = "Estrategias"\nduration = "5m"\n'
            '[items.activity]\ntype = "strategies"\n'
            '[[items]]\ntitle = "Votación"\nduration = "5m"\n'
            '[items.activity]\ntype = "strategies-vote"\nfrom = "estrategias"\n'
            '[[items]]\ntitle = "Mapa: ¿qué amenaza?"\nduration = "5m"\n'
            '[items.activity]\ntype = "riskmap"\nthreats = ["a"]\n'
            '[[items]]\ntitle = "Otra"\nduration = "5m"\n'
            '[items.activity]\ntype = "riskmap"\nthreats = ["b"]\nfrom = "mapa-qu-amenaza"\n'
        )
    assert "that item's id is 'mapa-que-amenaza'" in str(raised.value)


def installed_types() -> str:
    return ", ".join(sorted(default_plugins().activity_types))


BROKEN_CASES = {
    "bad_duration.toml": [
        f"item 2 'Check-in': duration: {GOOD_DURATION}, got '15 minutes'",
    ],
    "unknown_type.toml": [
        "item 1 'Quick poll': activity.type: unknown type 'poll'; installed types: {installed}",
    ],
    "unknown_key.toml": [
        "item 1 'Pick one': activity.option: unknown key; did you mean 'options'?",
        "item 1 'Pick one': activity.options: missing; expected a list of 2 to 20 options",
    ],
    "missing_title.toml": [
        "title: expected the workshop's title, a non-empty string",
    ],
    "duplicate_id.toml": [
        "item 2 'Check-out': id: 'check-in' is used by an earlier item; ids must be unique",
    ],
    "bad_k.toml": [
        "k: expected a whole number from 1 to 100 (default 5), got 0",
        "item 1 'Arriving': k: expected a whole number from 1 to 100 (default 5), got 'five'",
    ],
    "bad_start.toml": [
        "start: expected a time of day like \"09:30\", got '9.30'",
    ],
    "invalid_toml.toml": [
        "not valid TOML: Illegal character '\\n' (at line 4, column 17)",
    ],
    "not_utf8.toml": [
        "is not UTF-8 text",
    ],
    "several_problems.toml": [
        "langauge: unknown key; did you mean 'language'?",
        f"item 1 'Welcome': duration: {GOOD_DURATION}, got 'ten minutes'",
        "item 2: title: expected the item's title, a non-empty string",
        "item 2: activity.labels: expected 5 labels (one per point from 1 to 5)"
        " or 2 (for the ends), got 3",
        "item 3 'Which threats weigh most?': activity.options: expected 2 to 10 options"
        " to rank, got 1",
        "item 4 'Quiz': note: unknown key; did you mean 'notes'?",
        "item 4 'Quiz': activity.correct: 'Play Protect' is not one of the options;"
        " did you mean 'Google Play Protect'?",
    ],
}


def expected_lines(name: str, shown_as: str) -> str:
    return "".join(
        f"{shown_as}: {line.format(installed=installed_types())}\n" for line in BROKEN_CASES[name]
    )


def test_every_broken_agenda_fixture_has_a_case() -> None:
    assert {path.name for path in BROKEN.iterdir()} == set(BROKEN_CASES)


@pytest.mark.parametrize("name", sorted(BROKEN_CASES))
def test_check_names_file_item_and_key_for_each_problem(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    path = BROKEN / name
    code, out, err = check(capsys, path)
    assert code == 1
    assert out == ""
    assert err == expected_lines(name, str(path))


def test_an_unknown_type_lists_every_installed_type(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = check(capsys, BROKEN / "unknown_type.toml")
    listed = err.rsplit("installed types: ", 1)[1].strip().split(", ")
    assert set(CORE_TYPE_REFERENCES) <= set(listed)
    assert listed == sorted(listed)


def test_unreadable_files_are_named_with_the_reason(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.toml"
    code, _, err = check(capsys, missing, tmp_path)
    assert code == 1
    assert err == (
        f"{missing}: cannot read: No such file or directory\n"
        f"{tmp_path}: cannot read: Is a directory\n"
    )


def test_check_reports_good_and_bad_files_together(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check(capsys, AGENDAS / "demo.toml", BROKEN / "bad_start.toml")
    assert code == 1
    assert out.startswith(f"{AGENDAS / 'demo.toml'}: ok: ")
    assert err == expected_lines("bad_start.toml", str(BROKEN / "bad_start.toml"))


def test_load_agenda_collects_every_problem_with_its_item() -> None:
    with pytest.raises(AgendaError) as caught:
        load_agenda(BROKEN / "several_problems.toml")
    found = [(p.item_number, p.key) for p in caught.value.problems]
    assert found == [
        (None, "langauge"),
        (1, "duration"),
        (2, "title"),
        (2, "activity.labels"),
        (3, "activity.options"),
        (4, "note"),
        (4, "activity.correct"),
    ]


def test_check_as_a_real_command_exits_1_without_a_traceback() -> None:
    relative = "tests/broken_agendas/several_problems.toml"
    command = Path(sys.executable).with_name("facilitate")
    finished = subprocess.run(
        [str(command), "check", relative],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 1
    assert finished.stdout == ""
    assert "Traceback" not in finished.stderr
    assert finished.stderr == expected_lines("several_problems.toml", relative)


# -- facilitate new: the starter agenda and the templates ----------------------------------


def test_new_writes_a_starter_agenda_that_passes_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "day.toml"
    assert cli.main(["new", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == STARTER_AGENDA.format(name="day.toml")
    assert cli.main(["check", str(target)]) == 0


def test_new_without_a_file_says_what_to_give(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["new"]) == 1
    assert "or list the templates with: facilitate new --list" in capsys.readouterr().err


def test_an_unknown_template_names_the_known_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["new", "--from", "due-dilligence", str(tmp_path / "x.toml")]) == 1
    err = capsys.readouterr().err
    known = "known: debida-diligencia, demo, due-diligence,"
    assert f"no agenda template 'due-dilligence'; {known}" in err
    assert "facilitate new --list" in err
    assert list(tmp_path.iterdir()) == []


def test_new_list_gives_every_template_its_title_language_and_length(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["new", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["TEMPLATE", "LANGUAGE", "LENGTH", "PLUGIN", "TITLE"]
    rows = {line.split()[0]: line for line in lines[1:] if line and not line.startswith("copy")}
    assert set(rows) == set(default_plugins().templates)
    for name in ("demo", "due-diligence", "integrated-security", "roundtable", "stalkerware"):
        agenda = load_agenda(AGENDAS / f"{name}.toml")
        length = format_duration(agenda.planned_seconds)
        assert rows[name].split()[:4] == [name, agenda.language, length, "agendas"]
        assert rows[name].endswith(f"  {agenda.title}")
    assert rows["demo"].split()[1:3] == ["en", "1h30m"]
    assert lines[-1] == "copy one with: facilitate new --from NAME FILE"


def test_new_list_names_a_template_that_cannot_be_read(
    facilitate_plugins: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('title = "Broken"\n[[items]]\ntitle = "A"\nduration = "soon"\n')

    class BrokenTemplate:
        @hookimpl
        def facilitate_agenda_templates(self, register: Any) -> None:
            register("zz-broken", broken)

    facilitate_plugins.register(BrokenTemplate(), "broken-template")
    assert cli.main(["new", "--list"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "zz-broken" in line)
    assert row.split()[:4] == ["zz-broken", "?", "?", "broken-template"]
    assert "cannot be read: " in row and "duration" in row
