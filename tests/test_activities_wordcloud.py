"""Word cloud words: normalised so the same word counts together, stop words left out."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitate.activities.stopwords import STOP_WORDS, stop_words
from facilitate.activities.wordcloud import normalise, trim_stop_words
from facilitate.activity import StaticContext
from facilitate.forms import AnswerError, TextField
from facilitate.plugins import default_plugins


@pytest.mark.parametrize(
    ("given_text", "counted"),
    [
        ("Trust!", "trust"),
        ("  TRUST  ", "trust"),
        ("¡Confianza!", "confianza"),
        ("Well-being", "well-being"),
        ("plan d’urgence", "plan d'urgence"),
        ("my   network...", "my network"),
        ("rest,family", "rest family"),
        ("-dash- 'quoted'", "dash quoted"),
        ("Straße", "strasse"),
        ("Cafe\u0301", "café"),
        ("الأمان،", "الأمان"),
        ("«sécurité»", "sécurité"),
        ("❤️ love", "❤️ love"),
    ],
)
def test_words_are_normalised_so_the_same_word_counts_together(
    given_text: str, counted: str
) -> None:
    assert normalise(given_text) == counted


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_normalising_is_idempotent_and_leaves_no_edge_punctuation(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert once == " ".join(once.split())
    assert once == unicodedata.normalize("NFC", once)
    for word in once.split():
        assert not unicodedata.category(word[0]).startswith("P")
        assert not unicodedata.category(word[-1]).startswith("P")


@pytest.mark.parametrize(
    ("language", "phrase", "kept"),
    [
        ("en", "my network", "network"),
        ("en", "a safe place to meet", "safe place to meet"),
        ("en", "the", ""),
        ("es", "mi red de apoyo", "red de apoyo"),
        ("es-MX", "la confianza", "confianza"),
        ("fr", "la solidarité", "solidarité"),
        ("ar", "في الأمان", "الأمان"),
        ("id", "jaringan saya", "jaringan"),
        ("pt", "a rede", "a rede"),
    ],
)
def test_stop_words_are_trimmed_from_the_ends_of_an_entry(
    language: str, phrase: str, kept: str
) -> None:
    assert trim_stop_words(normalise(phrase), stop_words(language)) == kept


def test_stop_word_lists_are_stored_as_normalised_words() -> None:
    assert {"en", "es", "fr", "ar", "id"} <= set(STOP_WORDS)
    for words in STOP_WORDS.values():
        assert all(normalise(word) == word and " " not in word for word in words)


def test_the_stop_word_language_defaults_to_the_agenda_language() -> None:
    cloud = default_plugins().activity_type("wordcloud")
    config = cloud.configure({"question": "Palabras", "stop_words": ["Taller"]})
    value = {"word1": "La confianza", "word2": "el taller", "word3": None}
    spanish = cloud.accept(config, dict(value), StaticContext(language="es"))
    assert spanish == {"word1": "confianza", "word2": None, "word3": None}
    english = cloud.accept(config, dict(value), StaticContext(language="en"))
    assert english == {"word1": "la confianza", "word2": "el", "word3": None}
    with pytest.raises(AnswerError):
        cloud.accept(config, {"word1": "el", "word2": "taller"}, StaticContext(language="es"))


def test_the_form_has_one_optional_box_per_extra_word_and_follows_moderation() -> None:
    cloud = default_plugins().activity_type("wordcloud")
    config = cloud.configure({"question": "Words", "max_words": 2})  # moderated by default
    form = cloud.form(config, StaticContext())
    assert form.intro == "Words"
    assert [(f.name, f.required) for f in form.fields] == [("word1", True), ("word2", False)]
    assert all(isinstance(f, TextField) and not f.multiline for f in form.fields)
    assert form.moderated_fields() == ["word1", "word2"]
    unmoderated = cloud.configure({"question": "Words", "max_words": 1, "moderate": False})
    only = cloud.form(unmoderated, StaticContext())
    assert only.moderated_fields() == []
    assert [f.label for f in only.fields] == ["Words"]
