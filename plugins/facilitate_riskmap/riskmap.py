"""Risk mapping: the room rates each threat's likelihood and impact, and may name new threats.

As in the protection manuals written for defenders, risk grows with the threat and with
our vulnerability to it, and shrinks with our capacity to face it. Each rating scores
likelihood x impact, times vulnerability / capacity when those are asked too.

Threats proposed by participants are moderated like any free text. Once approved they
are listed with the result, and a later ``riskmap`` item with ``from = "<this item>"``
asks the room to rate them alongside its own threats.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from typing import Any, ClassVar

from attrs import frozen

from facilitate.api import (
    ActivityType,
    AnswerError,
    Bar,
    Bars,
    Form,
    GridField,
    Heatmap,
    ItemContext,
    Note,
    Reference,
    Table,
    Tally,
    TextField,
    Texts,
    View,
    for_language,
    setting,
    unordered,
)

POINTS = (1, 2, 3, 4, 5)
MAX_THREATS = 20

# The form's own words, in the agenda's language (threats and labels come from the agenda).
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "likelihood": "How likely is it to happen?",
        "impact": "How much harm would it do?",
        "vulnerability": "How exposed are you to it?",
        "capacity": "How able are you to face it?",
        "barely": "Barely",
        "very": "Very",
        "fully": "Fully",
        "proposal": "Is a threat missing? Name it (optional)",
        "nothing": "There are no threats to rate yet.",
    },
    "es": {
        "likelihood": "¿Qué tan probable es que ocurra?",
        "impact": "¿Cuánto daño haría?",
        "vulnerability": "¿Qué tan expuesta estás?",
        "capacity": "¿Qué tan capaz eres de enfrentarla?",
        "barely": "Apenas",
        "very": "Mucho",
        "fully": "Totalmente",
        "proposal": "¿Falta alguna amenaza? Nómbrala (opcional)",
        "nothing": "Todavía no hay amenazas que valorar.",
    },
    "fr": {
        "likelihood": "Quelle est la probabilité que cela arrive ?",
        "impact": "Quel mal cela ferait-il ?",
        "vulnerability": "À quel point y êtes-vous exposée ?",
        "capacity": "À quel point pouvez-vous y faire face ?",
        "barely": "À peine",
        "very": "Très",
        "fully": "Tout à fait",
        "proposal": "Une menace manque ? Nommez-la (facultatif)",
        "nothing": "Il n'y a pas encore de menace à évaluer.",
    },
    "ar": {
        "likelihood": "ما مدى احتمال حدوثه؟",
        "impact": "ما حجم الضرر الذي قد يسببه؟",
        "vulnerability": "ما مدى تعرّضك له؟",
        "capacity": "ما مدى قدرتك على مواجهته؟",
        "barely": "بالكاد",
        "very": "كثيرًا",
        "fully": "تمامًا",
        "proposal": "هل هناك تهديد غير مذكور؟ اذكريه (اختياري)",
        "nothing": "لا توجد تهديدات للتقييم بعد.",
    },
    "id": {
        "likelihood": "Seberapa mungkin hal ini terjadi?",
        "impact": "Seberapa besar kerugian yang ditimbulkannya?",
        "vulnerability": "Seberapa rentan Anda terhadapnya?",
        "capacity": "Seberapa mampu Anda menghadapinya?",
        "barely": "Hampir tidak",
        "very": "Sangat",
        "fully": "Sepenuhnya",
        "proposal": "Ada ancaman yang belum disebut? Tuliskan (opsional)",
        "nothing": "Belum ada ancaman untuk dinilai.",
    },
}


def words(language: str) -> dict[str, str]:
    return for_language(WORDS, language)


def check_threats(threats: tuple[str, ...]) -> str | None:
    if len(threats) > MAX_THREATS:
        return f"expected at most {MAX_THREATS} threats, got {len(threats)}"
    if any(not threat.strip() for threat in threats):
        return "threats must not be empty strings"
    if len(set(threats)) != len(threats):
        return "threats must differ from one another"
    return None


def check_labels(labels: tuple[str, ...]) -> str | None:
    if len(labels) not in (0, 2, 5):
        return f"expected 5 labels (one per point) or 2 (the ends), got {len(labels)}"
    return None


def axis_labels(labels: tuple[str, ...]) -> tuple[str, ...]:
    """A label for each point 1..5: the configured words, with the number before them."""
    if len(labels) == 5:
        return tuple(f"{point} {label}" for point, label in zip(POINTS, labels, strict=True))
    if len(labels) == 2:
        return (f"1 {labels[0]}", "2", "3", "4", f"5 {labels[1]}")
    return tuple(str(point) for point in POINTS)


@frozen
class RiskMapConfig:
    question: str = setting(
        "Rate each threat: how likely is it, and how much harm would it do?",
        help="the instruction shown above the ratings, a string",
    )
    threats: tuple[str, ...] = setting(
        (), help=f"a list of up to {MAX_THREATS} threats to rate", check=check_threats
    )
    from_item: str | None = setting(
        None,
        key="from",
        help="the id of an earlier riskmap item whose approved proposals are rated here too",
    )
    proposals: bool = setting(
        True, help="true to let participants name a threat that is missing (moderated)"
    )
    capacities: bool = setting(
        False,
        help="true to also rate, for each threat, vulnerability and capacity (1 to 5)",
    )
    likelihood_labels: tuple[str, ...] = setting(
        ["Very unlikely", "Unlikely", "Possible", "Likely", "Very likely"],
        help="5 labels for likelihood 1 to 5, or 2 for the ends",
        check=check_labels,
    )
    impact_labels: tuple[str, ...] = setting(
        ["Minor", "Moderate", "Serious", "Severe", "Critical"],
        help="5 labels for impact 1 to 5, or 2 for the ends",
        check=check_labels,
    )

    def validate(self) -> list[tuple[str, str]]:
        if not self.threats and self.from_item is None:
            return [
                (
                    "threats",
                    "expected at least one threat, or from = the id of an earlier riskmap"
                    " item whose proposed threats the room rates here",
                )
            ]
        return []


@frozen
class ThreatRating:
    """How the room rated one threat; means are ``None`` before anyone rated it."""

    threat: str
    ratings: int
    likelihood: float | None
    impact: float | None
    risk: float | None
    vulnerability: float | None = None
    capacity: float | None = None


@frozen
class RiskMapResult:
    answers: int
    cells: tuple[tuple[int, ...], ...]
    """Ratings in each cell: ``cells[impact - 1][likelihood - 1]``."""
    threats: tuple[ThreatRating, ...]
    """Highest risk first; unrated threats last, in the configured order."""
    proposals: tuple[tuple[str, int], ...]
    """Approved proposed threats with how many proposed each, by text."""


class _ThreatSums:
    __slots__ = ("capacity", "impact", "likelihood", "ratings", "risk", "vulnerability")

    def __init__(self) -> None:
        self.ratings = 0
        self.likelihood = 0
        self.impact = 0
        self.vulnerability = 0
        self.capacity = 0
        self.risk = Fraction(0)


def _mean(total: int | Fraction, count: int) -> float:
    return float(Fraction(total) / count)


class RiskMapTally(Tally[RiskMapResult]):
    def __init__(self, config: RiskMapConfig) -> None:
        self.config = config
        self.answers = 0
        self.cells: Counter[tuple[int, int]] = Counter()
        self.sums: dict[str, _ThreatSums] = {}
        self.proposals: Counter[str] = Counter()

    def _apply(self, value: dict[str, Any], sign: int) -> None:
        self.answers += sign
        proposal = value.get("proposal")
        if isinstance(proposal, str):
            self.proposals[proposal] += sign
        threats = value.get("threats") or []
        likelihoods = value.get("likelihood") or []
        impacts = value.get("impact") or []
        vulnerabilities = value.get("vulnerability") or [1] * len(threats)
        capacities = value.get("capacity") or [1] * len(threats)
        for threat, likelihood, impact, vulnerability, capacity in zip(
            threats, likelihoods, impacts, vulnerabilities, capacities, strict=True
        ):
            self.cells[(impact, likelihood)] += sign
            sums = self.sums.setdefault(threat, _ThreatSums())
            sums.ratings += sign
            sums.likelihood += sign * likelihood
            sums.impact += sign * impact
            sums.vulnerability += sign * vulnerability
            sums.capacity += sign * capacity
            sums.risk += sign * Fraction(likelihood * impact * vulnerability, capacity)
            if not sums.ratings:
                del self.sums[threat]

    def add(self, value: dict[str, Any]) -> None:
        self._apply(value, 1)

    def remove(self, value: dict[str, Any]) -> None:
        self._apply(value, -1)

    def result(self) -> RiskMapResult:
        rated = []
        for threat, sums in self.sums.items():
            count = sums.ratings
            rated.append(
                ThreatRating(
                    threat,
                    count,
                    _mean(sums.likelihood, count),
                    _mean(sums.impact, count),
                    _mean(sums.risk, count),
                    _mean(sums.vulnerability, count) if self.config.capacities else None,
                    _mean(sums.capacity, count) if self.config.capacities else None,
                )
            )
        rated.sort(key=lambda t: (-(t.risk or 0), t.threat))
        unrated = [
            ThreatRating(threat, 0, None, None, None)
            for threat in self.config.threats
            if threat not in self.sums
        ]
        cells = tuple(
            tuple(self.cells[(impact, likelihood)] for likelihood in POINTS) for impact in POINTS
        )
        proposals = tuple(sorted((text, n) for text, n in self.proposals.items() if n))
        return RiskMapResult(self.answers, cells, (*rated, *unrated), proposals)


def _fmt(number: float | None) -> str:
    return "–" if number is None else f"{number:.1f}"


class RiskMap(ActivityType[RiskMapConfig, RiskMapResult]):
    """Rate threats by likelihood and impact; see them on a heat map, ranked by risk."""

    kind = "riskmap"
    example: ClassVar[dict[str, Any] | None] = {
        "threats": ["Smear campaign online", "Phone seized at a checkpoint", "Office break-in"],
        "capacities": True,
    }
    title = "Risk map (likelihood x impact)"
    Config = RiskMapConfig

    def threats(self, config: RiskMapConfig, context: ItemContext) -> tuple[str, ...]:
        """The configured threats, then approved proposals from the ``from`` item."""
        threats = list(config.threats)
        if config.from_item is not None:
            earlier = context.result_of(config.from_item)
            if isinstance(earlier, RiskMapResult):
                threats += [t for t, _ in earlier.proposals if t not in config.threats]
        return tuple(threats)

    def form(self, config: RiskMapConfig, context: ItemContext) -> Form:
        threats = self.threats(config, context)
        say = words(context.language)
        fields: list[Any] = []
        if threats:
            fields += [
                GridField(
                    name="likelihood",
                    label=say["likelihood"],
                    rows=threats,
                    labels=config.likelihood_labels,
                ),
                GridField(
                    name="impact",
                    label=say["impact"],
                    rows=threats,
                    labels=config.impact_labels,
                ),
            ]
            if config.capacities:
                fields += [
                    GridField(
                        name="vulnerability",
                        label=say["vulnerability"],
                        rows=threats,
                        labels=(say["barely"], say["very"]),
                    ),
                    GridField(
                        name="capacity",
                        label=say["capacity"],
                        rows=threats,
                        labels=(say["barely"], say["fully"]),
                    ),
                ]
        if config.proposals:
            fields.append(
                TextField(
                    name="proposal",
                    label=say["proposal"],
                    required=False,
                    moderated=True,
                    multiline=False,
                    max_length=120,
                )
            )
        intro = config.question if threats else say["nothing"]
        return Form(fields, intro=intro)

    def accept(
        self, config: RiskMapConfig, value: dict[str, Any], context: ItemContext
    ) -> dict[str, Any]:
        threats = self.threats(config, context)
        if not threats and not value.get("proposal"):
            raise AnswerError("invalid", message="There is nothing to rate yet.")
        if value.get("likelihood") is not None and len(value["likelihood"]) != len(threats):
            raise AnswerError("invalid", message="The list of threats changed; please reload.")
        # Keep the names rated, so answers stay right if the list of threats grows later.
        return {**value, "threats": list(threats) if value.get("likelihood") else []}

    def new_tally(self, config: RiskMapConfig) -> RiskMapTally:
        return RiskMapTally(config)

    def references(self, config: RiskMapConfig) -> tuple[Reference, ...]:
        if config.from_item is None:
            return ()
        return (Reference("from", config.from_item, ("riskmap",)),)

    def heatmap(self, config: RiskMapConfig, result: RiskMapResult) -> Heatmap:
        return Heatmap(
            row_labels=tuple(reversed(axis_labels(config.impact_labels))),
            column_labels=axis_labels(config.likelihood_labels),
            cells=tuple(reversed(result.cells)),
            row_title="Impact",
            column_title="Likelihood",
            title="Ratings by likelihood and impact",
        )

    def risk_formula(self, config: RiskMapConfig) -> str:
        if config.capacities:
            return "likelihood x impact x vulnerability / capacity"
        return "likelihood x impact"

    def risk_unit(self, config: RiskMapConfig) -> str:
        return f"risk ({self.risk_formula(config)})"

    def view(self, config: RiskMapConfig, result: RiskMapResult) -> View:
        blocks: list[Any] = [self.heatmap(config, result)]
        ranked = [t for t in result.threats if t.risk is not None]
        if ranked:
            blocks.append(
                Bars(
                    tuple(Bar(t.threat, round(t.risk or 0, 1)) for t in ranked),
                    title="Threats, highest risk first",
                    unit=self.risk_unit(config),
                )
            )
        if result.proposals:
            blocks.append(
                Texts(
                    unordered([text for text, _ in result.proposals]),
                    title="Threats the room added",
                )
            )
        blocks.append(Note(f"{result.answers} answers"))
        return tuple(blocks)

    def report(self, config: RiskMapConfig, result: RiskMapResult) -> View:
        headers = ["Threat", "Ratings", "Likelihood", "Impact"]
        if config.capacities:
            headers += ["Vulnerability", "Capacity"]
        headers.append("Risk")
        rows = []
        for t in result.threats:
            row = [t.threat, str(t.ratings), _fmt(t.likelihood), _fmt(t.impact)]
            if config.capacities:
                row += [_fmt(t.vulnerability), _fmt(t.capacity)]
            row.append(_fmt(t.risk))
            rows.append(tuple(row))
        blocks: list[Any] = [
            self.heatmap(config, result),
            Table(tuple(headers), tuple(rows), title=f"Threats ranked by {self.risk_unit(config)}"),
        ]
        if result.proposals:
            blocks.append(
                Table(
                    ("Threat proposed by participants", "Proposed by"),
                    tuple((text, str(count)) for text, count in result.proposals),
                    title="Threats the room added",
                )
            )
        span = "0.2 to 125" if config.capacities else "1 to 25"
        blocks.append(
            Note(
                f"{result.answers} answers. Risk is each participant's"
                f" {self.risk_formula(config)} for the threat, averaged over participants"
                f" (from {span})."
            )
        )
        return tuple(blocks)

    def prompt(self, config: RiskMapConfig) -> str:
        return config.question
