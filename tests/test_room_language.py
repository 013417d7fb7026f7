"""A room that speaks Spanish, Arabic, French or Indonesian reads no English, anywhere.

One agenda per language with every core and first-party activity type runs through the
real participant server (phones joining and answering over HTTP on 127.0.0.1), the
terminal projector (driven by the console's own keys) and the web projector. Each item
is answered, moderated, closed and revealed. Everything the room reads is collected (the
projector screen, ``/screen``, the phones' pages, anything that pops up while the
projector is shown) and so is the report; none of it may hold a word of facilitate's own
English messages. The agenda's text and the participants' words are the room's, in its
language.
"""

from __future__ import annotations

import random
import re
from typing import Any

import aiohttp
import pytest
from english_words import leaked, visible_text, words
from rich.text import Text
from textual.widgets import Label, Static

from facilitate.agenda import loads_agenda
from facilitate.commands import perform
from facilitate.engine import Engine
from facilitate.i18n import translator
from facilitate.random_answers import PHRASES, form_answer
from facilitate.report import render
from facilitate.report.collect import collect
from facilitate.server.running import start_server
from facilitate.tui.app import FacilitateApp
from facilitate.tui.screens import ProjectorScreen
from facilitate.tui.widgets import BigTimer

PHONES = 5
FORM_TOKEN = re.compile(r'name="?_ft"?\s+value="([^"]+)"')

# The agenda's own words in each language: titles, questions, options, threats.
WORDS: dict[str, dict[str, Any]] = {
    "es": {
        "title": "Jornada de protección",
        "welcome": "Bienvenida",
        "question": "¿Qué priorizamos?",
        "options": ["Contraseñas", "Copias de seguridad", "Redes de apoyo"],
        "scale": "¿Cómo llegas hoy?",
        "ends": ["Agotada", "Con energía"],
        "open": "Algo que te da seguridad",
        "cloud": "Seguridad significa...",
        "quiz": "¿Qué señal apunta a una aplicación espía?",
        "explanation": "La batería se agota porque la aplicación envía datos.",
        "threats": ["Campaña de difamación", "Decomiso del teléfono", "Allanamiento"],
        "likert": "La sesión fue útil.",
        "rating": "¿Cuánto aprendiste?",
        "open2": "¿Qué cambiarías?",
    },
    "ar": {
        "title": "يوم الحماية",
        "welcome": "ترحيب",
        "question": "ما أولويتنا؟",
        "options": ["كلمات المرور", "النسخ الاحتياطية", "شبكات الدعم"],
        "scale": "كيف تصلين اليوم؟",
        "ends": ["متعبة", "نشيطة"],
        "open": "شيء يمنحك الأمان",
        "cloud": "الأمان يعني...",
        "quiz": "ما العلامة على تطبيق تجسس؟",
        "explanation": "تنفد البطارية لأن التطبيق يرسل البيانات.",
        "threats": ["حملة تشهير", "مصادرة الهاتف", "اقتحام المكتب"],
        "likert": "كانت الجلسة مفيدة.",
        "rating": "كم تعلمتِ؟",
        "open2": "ماذا تغيرين؟",
    },
    "fr": {
        "title": "Journée de protection",
        "welcome": "Accueil",
        "question": "Que faisons-nous d'abord ?",
        "options": ["Mots de passe", "Sauvegardes", "Réseaux de soutien"],
        "scale": "Comment arrivez-vous aujourd'hui ?",
        "ends": ["Épuisée", "Pleine d'énergie"],
        "open": "Une chose qui vous protège",
        "cloud": "Être en sécurité, c'est...",
        "quiz": "Quel signe trahit un logiciel espion ?",
        "explanation": "La batterie se vide car le logiciel envoie des données.",
        "threats": ["Campagne de diffamation", "Saisie du téléphone", "Cambriolage du bureau"],
        "likert": "La séance était utile.",
        "rating": "Combien avez-vous appris ?",
        "open2": "Que changeriez-vous ?",
    },
    "id": {
        "title": "Hari perlindungan",
        "welcome": "Sambutan",
        "question": "Apa prioritas kita?",
        "options": ["Kata sandi", "Cadangan data", "Jaringan dukungan"],
        "scale": "Bagaimana kabarmu hari ini?",
        "ends": ["Lelah", "Bersemangat"],
        "open": "Sesuatu yang membuatmu aman",
        "cloud": "Aman berarti...",
        "quiz": "Tanda apa yang menunjukkan aplikasi mata-mata?",
        "explanation": "Baterai cepat habis karena aplikasi mengirim data.",
        "threats": ["Kampanye fitnah", "Penyitaan ponsel", "Pembobolan kantor"],
        "likert": "Sesi ini bermanfaat.",
        "rating": "Seberapa banyak kamu belajar?",
        "open2": "Apa yang akan kamu ubah?",
    },
}


def toml_list(values: list[str]) -> str:
    return "[" + ", ".join(f'"{value}"' for value in values) + "]"


def agenda_text(language: str) -> str:
    w = WORDS[language]
    options = toml_list(w["options"])
    activities = [
        ("choice", f'question = "{w["question"]}"\noptions = {options}'),
        ("multi", f'question = "{w["question"]}"\noptions = {options}\nmin = 0'),
        ("scale", f'question = "{w["scale"]}"\nlabels = {toml_list(w["ends"])}'),
        ("text", f'question = "{w["open"]}"'),
        ("wordcloud", f'question = "{w["cloud"]}"'),
        ("ranking", f'question = "{w["question"]}"\noptions = {options}'),
        (
            "quiz",
            f'question = "{w["quiz"]}"\noptions = {options}\ncorrect = 2\n'
            f'explanation = "{w["explanation"]}"',
        ),
        ("riskmap", f"threats = {toml_list(w['threats'])}\ncapacities = true"),
        ("riskmap", 'from = "item-9"'),
        ("strategies", ""),
        ("strategies-vote", 'from = "item-11"'),
        ("duediligence", ""),
        (
            "evaluation",
            "on_projector = true\nquestions = ["
            f'{{ kind = "likert", text = "{w["likert"]}" }}, '
            f'{{ kind = "rating", text = "{w["rating"]}", min = 0, max = 10 }}, '
            f'{{ kind = "choice", text = "{w["question"]}", options = {options} }}, '
            f'{{ kind = "text", text = "{w["open2"]}" }}]',
        ),
        ("evaluation", f'questions = [{{ kind = "likert", text = "{w["likert"]}" }}]'),
    ]
    parts = [
        f'title = "{w["title"]}"\nlanguage = "{language}"\nk = 3\n',
        f'[[items]]\nid = "item-1"\ntitle = "{w["welcome"]}"\nduration = "5m"\n',
    ]
    for number, (kind, settings) in enumerate(activities, start=2):
        parts.append(
            f'[[items]]\nid = "item-{number}"\ntitle = "{w["welcome"]} {number}"\n'
            f'duration = "10m"\n[items.activity]\ntype = "{kind}"\n{settings}\n'
        )
    return "\n".join(parts)


def projector_text(app: FacilitateApp) -> str:
    screen = app.screen
    assert isinstance(screen, ProjectorScreen)
    parts = [strip.text for strip in screen._compositor.render_strips()]
    parts += [s.content.plain for s in screen.query(Static) if isinstance(s.content, Text)]
    parts.append(str(screen.query_one(BigTimer).query_one(Label).render()))
    parts += [str(toast.render()) for toast in app.query("Toast")]
    return "\n".join(parts)


class Phone:
    """A participant's phone: its own cookies, the room's language, a page at a time."""

    def __init__(self, base_url: str, language: str, seed: int) -> None:
        self.session = aiohttp.ClientSession(
            base_url=base_url,
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            headers={"Accept-Language": language},
        )
        self.language = language
        self.rng = random.Random(seed)
        self.pages: list[str] = []

    async def get(self, path: str) -> str:
        async with self.session.get(path) as response:
            assert response.status < 500, path
            page = await response.text()
        self.pages.append(page)
        return page

    async def answer(self, engine: Engine, item_id: str) -> None:
        page = await self.get("/")
        token = FORM_TOKEN.search(page)
        assert token is not None, f"no form on the phone for {item_id}"
        form = engine.form(item_id)
        for _ in range(20):
            raw = form_answer(form, self.rng, self.language)
            data = [("_ft", token.group(1))]
            data += [(key, value) for key, values in raw.items() for value in values]
            async with self.session.post(f"/a/{item_id}", data=data) as response:
                self.pages.append(await response.text())
                if response.status == 200 and len(response.history) == 1:
                    return
        raise AssertionError(f"no answer to {item_id} was accepted")


@pytest.mark.slow
@pytest.mark.parametrize("language", ["es", "ar", "fr", "id"])
async def test_no_english_reaches_the_room_or_the_report(language: str) -> None:
    agenda = loads_agenda(agenda_text(language))
    engine = Engine.new(agenda)
    server = await start_server(engine, host="127.0.0.1", port=0, facilitator_language=language)
    phones = [Phone(server.local_url, language, seed) for seed in range(PHONES)]
    screens: list[str] = []
    projected: list[str] = []
    app = FacilitateApp(engine, join_url=server.join_url, language=language)
    try:
        for phone in phones:
            await phone.get(f"/j/{engine.join_code.replace(' ', '')}")
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.press("tab", "space")  # the projector, the day's timer running
            for item in agenda.items:
                if item.activity is not None:
                    await pilot.press("o")
                    for phone in phones:
                        await phone.answer(engine, item.id)
                    if engine.pending(item.id):
                        perform(engine, "approve", {"item": item.id, "all": True})
                    await pilot.press("o", "r")
                await pilot.pause(0.2)
                projected.append(projector_text(app))
                screens.append(
                    visible_text(await phones[0].get(f"/screen/{engine.facilitator_secret}/part"))
                )
                for phone in phones[:2]:
                    await phone.get("/")
                await pilot.press("l", "l")  # notifications while the projector is shown
                await pilot.pause(0.1)
                projected.append(projector_text(app))
                await pilot.press("n")
    finally:
        for phone in phones:
            await phone.session.close()
        await server.stop()
    report = collect(engine)
    written = {fmt: render(report, fmt) for fmt in ("md", "html")}
    engine.close()

    allowed = words(agenda_text(language)) | words(" ".join(PHRASES[language]))
    allowed |= words(server.join_url)
    found = {
        "terminal projector": leaked("\n".join(projected), language, allowed=allowed),
        "/screen": leaked("\n".join(screens), language, allowed=allowed),
        "phones": leaked(
            "\n".join(visible_text(p) for phone in phones for p in phone.pages),
            language,
            allowed=allowed,
        ),
        "report (md)": leaked(written["md"], language, allowed=allowed),
        "report (html)": leaked(visible_text(written["html"]), language, allowed=allowed),
    }
    assert found == {where: [] for where in found}
    # And the room did read things: results on both projectors, the report in its language.
    option = WORDS[language]["options"][0]
    assert option in "\n".join(projected) and option in "\n".join(screens)
    assert translator(language).gettext("Workshop report") in written["md"]
    assert all(engine.runs[item.id].count == PHONES for item in agenda.items if item.activity)
