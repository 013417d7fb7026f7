"""The room's screens in a real browser (headless Chromium), measured as a person reads them.

Every core and first-party activity type, revealed with a room's worth of answers (long
free texts included), on the web projector at 1280x720 and 1920x1080, light and dark,
every page of each result; and each type's phone page at 320 and 360 px, in Spanish and
Arabic, with and without JavaScript. On each screen: no sideways scrolling, no text
under 14 px (a text node's computed size, times the SVG's scale for chart text), no word
broken across two lines; and on the projector nothing below the fold.

Screenshots go to a temporary folder, or to FACILITATE_SCREENSHOTS to keep and look at.
"""

from __future__ import annotations

import os
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from facilitate.agenda import loads_agenda
from facilitate.clock import ManualClock
from facilitate.engine import Engine
from facilitate.forms import TextField
from facilitate.random_answers import form_answer
from facilitate.server import RunningServer, start_server
from facilitate.server.state import STATE

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"needs Debian's chromium at {CHROMIUM}"
    ),
]

playwright_api = pytest.importorskip("playwright.async_api", reason="needs playwright")

AGENDA = """
title = "Día de prueba de la sala"
language = "es"
k = 3

[[items]]
title = "¿Cómo llegas hoy?"
duration = "5m"
[items.activity]
type = "choice"
question = "¿Cómo llegas hoy al taller?"
options = ["Con energía", "Cansada pero presente", "Preocupada por algo", "Con curiosidad"]

[[items]]
title = "Actores con quienes trabajar"
duration = "10m"
[items.activity]
type = "multi"
question = "¿Con qué actores nacionales necesitará trabajar tu estrategia?"
options = ["Ministerios", "Parlamento", "Policía", "Poder judicial y fiscalía",
  "Institución nacional de derechos humanos", "Organizaciones de mujeres",
  "Medios de comunicación", "Empresas de tecnología"]

[[items]]
title = "Confianza"
duration = "5m"
[items.activity]
type = "scale"
question = "¿Cuánta confianza tienes en tu plan de seguridad?"
min = 0
max = 10
labels = ["Ninguna", "Total"]

[[items]]
title = "Qué nos ayudaría"
duration = "10m"
[items.activity]
type = "text"
question = "¿Qué te ayudaría más a colaborar con el proyecto y entre nosotras?"

[[items]]
title = "Áreas críticas"
duration = "10m"
[items.activity]
type = "wordcloud"
question = "¿Qué formas de violencia contra las mujeres son más urgentes en tu país?"

[[items]]
title = "Prioridades"
duration = "10m"
[items.activity]
type = "ranking"
question = "Ordena las cinco áreas según la prioridad de tu estrategia"
options = ["Prevención", "Protección", "Enjuiciamiento", "Sanción", "Reparación"]

[[items]]
title = "Comprobación rápida"
duration = "5m"
[items.activity]
type = "quiz"
question = "¿Cuál NO es una de las cinco áreas del Marco de Debida Diligencia?"
options = ["Prevención", "Protección", "Enjuiciamiento", "Publicidad", "Reparación"]
correct = "Publicidad"
explanation = '''La quinta P es la sanción: prevención, protección, enjuiciamiento, sanción
y reparación.'''

[[items]]
title = "Las 5 P en nuestros Estados"
duration = "20m"
[items.activity]
type = "duediligence"
question = '''En tu país, ¿con cuánta diligencia actúa el Estado para acabar con la violencia
contra las mujeres?'''

[[items]]
title = "Evaluación"
duration = "10m"
[items.activity]
type = "evaluation"
on_projector = true
[[items.activity.questions]]
kind = "likert"
text = "Puedo usar el Marco de Debida Diligencia para evaluar las obligaciones de mi Estado."
[[items.activity.questions]]
kind = "rating"
text = "¿Qué tan útil fue el día para tu trabajo?"
min = 0
max = 10
labels = ["Nada útil", "Muy útil"]
[[items.activity.questions]]
kind = "choice"
text = "¿Qué necesitas más ahora?"
options = ["Orientación conceptual para mi organización", "Investigación y datos",
  "Herramientas y módulos de formación", "Contactos con otras socias"]
multiple = true
[[items.activity.questions]]
kind = "text"
text = "¿Algún otro comentario?"

[[items]]
title = "Mapa de riesgos"
duration = "15m"
[items.activity]
type = "riskmap"
threats = ["Campaña de difamación en línea", "Teléfono confiscado en un control",
  "Allanamiento de la oficina", "Vigilancia de cuentas", "Amenazas a familiares",
  "Agotamiento", "Criminalización"]
capacities = true

[[items]]
title = "Estrategias"
duration = "10m"
[items.activity]
type = "strategies"

[[items]]
title = "Estrategias que usamos"
duration = "10m"
[items.activity]
type = "strategies-vote"
from = "estrategias"
"""

LONG_TEXTS = [
    "Espacios seguros para reunirnos sin miedo a la vigilancia",
    "Que el proyecto comparta materiales en lenguas locales y no solo en inglés o español,"
    " porque muchas compañeras de las comunidades no los pueden usar",
    "Más tiempo para hablar entre nosotras",
    "Una red de acompañamiento jurídico cuando una defensora es criminalizada por su trabajo",
    "Apoyo psicosocial",
    "Contactos directos con otras organizaciones de la región que ya trabajan con el Marco"
    " de Debida Diligencia frente a la violencia en línea",
    "Financiación flexible",
    "Formación en seguridad digital para las más jóvenes",
]
PHONES = [
    (width, language, js)
    for width in (320, 360)
    for language in ("es", "ar")
    for js in (True, False)
]
PROJECTORS = [(1280, 720), (1920, 1080)]


def answer_with_long_texts(engine: Engine, item_id: str, rng: random.Random) -> dict[str, Any]:
    """A random answer whose free texts are a room's: some short, some two lines long."""
    form = engine.form(item_id)
    raw = form_answer(form, rng, "es")
    for field in form.fields:
        if isinstance(field, TextField) and field.multiline:
            raw[field.name] = [rng.choice(LONG_TEXTS)[: field.max_length]]
    return raw


MEASURE = """(projector) => {
  const doc = document.documentElement, found = {small: [], broken: []};
  found.wide = doc.scrollWidth - innerWidth;
  found.tall = doc.scrollHeight - innerHeight;
  const main = document.querySelector('.room .main');
  found.spill = main ? main.scrollHeight - main.clientHeight : 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest('.vh, title, noscript')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if (![...range.getClientRects()].some(r => r.width > 0 && r.height > 0)) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    let size = parseFloat(style.fontSize);
    if (el instanceof SVGElement && el.getScreenCTM()) {
      const m = el.getScreenCTM();
      size *= Math.hypot(m.a, m.b);
    }
    const text = node.textContent.trim().slice(0, 40);
    if (size < 13.95) found.small.push(`${size.toFixed(1)}px: ${text}`);
    const words = /\\S+/g;
    for (let match; (match = words.exec(node.textContent));) {
      const word = document.createRange();
      word.setStart(node, match.index);
      word.setEnd(node, match.index + match[0].length);
      const boxes = [...word.getClientRects()].filter(r => r.width > 0);
      const tops = new Set(boxes.map(r => Math.round(r.top)));
      if (tops.size > 1) found.broken.push(match[0]);
    }
  }
  return found;
}"""


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("FACILITATE_SCREENSHOTS") or tmp_path) / "room"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
async def room() -> AsyncIterator[RunningServer]:
    engine = Engine.new(loads_agenda(AGENDA), clock=ManualClock())
    running = await start_server(engine, host="127.0.0.1", port=0, facilitator_language="es")
    yield running
    await running.stop()
    engine.close()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    async with playwright_api.async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        await launched.close()


async def measured(page: Any, where: str) -> list[str]:
    """What is wrong with the page as shown: each problem named with ``where``."""
    found = await page.evaluate(MEASURE)
    problems = []
    if found["wide"] > 0:
        problems.append(f"{where}: scrolls sideways by {found['wide']} px")
    problems += [f"{where}: text under 14 px, {text}" for text in found["small"]]
    problems += [f"{where}: word broken across lines, {word!r}" for word in found["broken"]]
    return problems


async def test_every_type_on_the_projector_fits_a_16_9_screen_readably(
    room: RunningServer, browser: Any, shots: Path
) -> None:
    engine = room.engine
    state = room.runner.app[STATE]
    rng = random.Random(14)
    tokens = [engine.join() for _ in range(14)]
    screens = []
    for width, height in PROJECTORS:
        for theme in ("light", "dark"):
            context = await browser.new_context(viewport={"width": width, "height": height})
            page = await context.new_page()
            await page.goto(f"{room.screen_url}?theme={theme}")
            screens.append((f"{width}-{theme}", page))
    problems: list[str] = []
    pages_shown = 0
    for index, item in enumerate(engine.agenda.items):
        engine.goto(index)
        engine.open_answering()
        engine.start_timer()
        if index == 0:  # the room joining: the code large, nothing revealed
            for name, page in screens:
                await page.reload()
                problems += await measured(page, f"{item.id} joining {name}")
                await page.screenshot(path=str(shots / f"screen-{name}-joining.png"))
        for token in tokens:
            await engine.submit(token, item.id, answer_with_long_texts(engine, item.id, rng))
        for _ in range(3):  # approve every text, however many come (votes read them)
            for item_id, text in engine.all_pending():
                engine.approve(item_id, text.id)
        engine.close_answering()
        engine.reveal()
        number = 0
        while True:
            state.show_page(item.id, number)
            count = 1
            for name, page in screens:
                await page.reload()
                where = f"{item.id} page {number + 1} {name}"
                assert await page.locator(".room.shown").count() == 1, where
                problems += await measured(page, where)
                found = await page.evaluate(MEASURE)
                if found["tall"] > 0 or found["spill"] > 0:
                    problems.append(f"{where}: {found['tall']} px below the fold")
                await page.screenshot(path=str(shots / f"screen-{name}-{item.id}-{number + 1}.png"))
                text = await page.locator(".pages").all_inner_texts()
                count = int(text[0].split()[-1]) if text else 1
            pages_shown += 1
            number += 1
            if number >= count:
                break
    assert problems == []
    assert pages_shown >= len(engine.agenda.items)


async def test_every_type_on_phones_of_320_and_360_pixels_in_spanish_and_arabic(
    room: RunningServer, browser: Any, shots: Path
) -> None:
    engine = room.engine
    phones = []
    for width, language, javascript in PHONES:
        context = await browser.new_context(
            viewport={"width": width, "height": 700},
            locale=language,
            java_script_enabled=javascript,
        )
        page = await context.new_page()
        await page.goto(room.join_url)
        phones.append((f"{width}-{language}-{'js' if javascript else 'nojs'}", page))
    problems: list[str] = []
    for name, page in phones:  # waiting for the first question
        problems += await measured(page, f"waiting {name}")
    for index, item in enumerate(engine.agenda.items):
        engine.goto(index)
        engine.open_answering()
        engine.start_timer()
        for name, page in phones:
            await page.goto(room.local_url + "/")
            problems += await measured(page, f"{item.id} {name}")
            await page.screenshot(path=str(shots / f"phone-{name}-{item.id}.png"), full_page=True)
    assert problems == []

    # With JavaScript the time counts down by itself, and follows the facilitator's
    # extension without reloading the form being filled.
    _, phone = phones[0]
    engine.goto(3)  # free text
    engine.open_answering()
    engine.start_timer()
    await phone.goto(room.local_url + "/")
    left = phone.locator("#left")
    before = await left.inner_text()
    await playwright_api.expect(left).not_to_have_text(before, timeout=3000)
    await phone.locator("textarea, input[type=text]").first.fill("a half-written answer")
    engine.extend(600)
    await playwright_api.expect(left).to_contain_text("19:", timeout=5000)
    assert await phone.locator("textarea, input[type=text]").first.input_value() == (
        "a half-written answer"
    )
