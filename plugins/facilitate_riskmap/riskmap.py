"""Risk mapping: the room rates each threat's likelihood and impact, and may name new threats.

As in the protection manuals written for defenders, risk grows with the threat and with
our vulnerability to it, and shrinks with our capacity to face it. Each rating scores
likelihood x impact, times vulnerability / capacity when those are asked too.

Threats proposed by participants are moderated like any free text. Once approved they
are listed with the result, and a later ``riskmap`` item with ``from = "<this item>"``
asks the room to rate them alongside its own threats.

A threat rated by fewer than ``k`` people is held back: left out of the heat map, the
scatter, the ranking and the export, so one person's ratings of a threat (one added late,
say) never show on their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from attrs import frozen

from facilitate.api import (
    N_,
    ActivityType,
    Answer,
    AnswerError,
    Bar,
    Bars,
    ExportCell,
    Form,
    GridField,
    Heatmap,
    ItemContext,
    MessageCatalog,
    Note,
    Reference,
    Scatter,
    ScatterPoint,
    Table,
    TextField,
    Texts,
    View,
    attrs_repr,
    setting,
    strip_controls,
    unordered,
)

from .tally import POINTS, RiskMapResult, RiskMapTally, ThreatRating, add_grids

CATALOG = MessageCatalog(Path(__file__).resolve().parent / "locale", "facilitate_riskmap")
MAX_THREATS = 20
RATINGS = ("likelihood", "impact", "vulnerability", "capacity")
"""The grids of the form, in order; the last two only with ``capacities = true``."""


def default_question(context: ItemContext) -> str:
    return context.gettext("Rate each threat: how likely is it, and how much harm would it do?")


def default_likelihood_labels(context: ItemContext) -> tuple[str, ...]:
    return (
        context.pgettext("likelihood", "Very unlikely"),
        context.pgettext("likelihood", "Unlikely"),
        context.pgettext("likelihood", "Possible"),
        context.pgettext("likelihood", "Likely"),
        context.pgettext("likelihood", "Very likely"),
    )


def default_impact_labels(context: ItemContext) -> tuple[str, ...]:
    return (
        context.pgettext("impact", "Minor"),
        context.pgettext("impact", "Moderate"),
        context.pgettext("impact", "Serious"),
        context.pgettext("impact", "Severe"),
        context.pgettext("impact", "Critical"),
    )


def check_threats(threats: tuple[str, ...]) -> str | None:
    if len(threats) > MAX_THREATS:
        return f"expected at most {MAX_THREATS} threats, got {len(threats)}"
    if any(not threat.strip() for threat in threats):
        return "threats must not be empty strings"
    if len(set(threats)) != len(threats):
        return "threats must differ from one another"
    return None


def check_labels(labels: tuple[str, ...] | None) -> str | None:
    if labels is not None and len(labels) not in (0, 2, 5):
        return f"expected 5 labels (one per point) or 2 (the ends), got {len(labels)}"
    return None


def axis_labels(labels: tuple[str, ...]) -> tuple[str, ...]:
    """A label for each point 1..5: the configured words, with the number before them."""
    if len(labels) == 5:
        return tuple(f"{point} {label}" for point, label in zip(POINTS, labels, strict=True))
    if len(labels) == 2:
        return (f"1 {labels[0]}", "2", "3", "4", f"5 {labels[1]}")
    return tuple(str(point) for point in POINTS)


def point_text(point: Any, labels: Sequence[str]) -> str:
    """A rating as an export writes it: "4 (Likely)", or the number alone."""
    if not isinstance(point, int) or point not in POINTS:
        return str(point)
    label = ""
    if len(labels) == len(POINTS):
        label = labels[point - 1]
    elif len(labels) == 2 and point in (POINTS[0], POINTS[-1]):
        label = labels[0] if point == POINTS[0] else labels[1]
    return f"{point} ({label})" if label else str(point)


@frozen
class RiskMapConfig:
    __repr__ = attrs_repr

    question: str | None = setting(
        None,
        help="the instruction shown above the ratings, a string; by default"
        ' "Rate each threat: how likely is it, and how much harm would it do?"'
        " in the agenda's language",
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
    likelihood_labels: tuple[str, ...] | None = setting(
        None,
        help="5 labels for likelihood 1 to 5, or 2 for the ends; by default Very unlikely,"
        " Unlikely, Possible, Likely, Very likely, in the agenda's language",
        check=check_labels,
    )
    impact_labels: tuple[str, ...] | None = setting(
        None,
        help="5 labels for impact 1 to 5, or 2 for the ends; by default Minor, Moderate,"
        " Serious, Severe, Critical, in the agenda's language",
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


class RiskMap(ActivityType[RiskMapConfig, RiskMapResult]):
    """Rate threats by likelihood and impact; see them on a heat map, ranked by risk."""

    kind = "riskmap"
    example: ClassVar[dict[str, Any] | None] = {
        "threats": ["Smear campaign online", "Phone seized at a checkpoint", "Office break-in"],
        "capacities": True,
    }
    title = N_("Risk map (likelihood x impact)")
    catalog = CATALOG
    Config = RiskMapConfig

    # -- words that follow the room's language unless the agenda sets them ----------------

    def question(self, config: RiskMapConfig, context: ItemContext) -> str:
        return config.question if config.question is not None else default_question(context)

    def likelihood_labels(self, config: RiskMapConfig, context: ItemContext) -> tuple[str, ...]:
        if config.likelihood_labels is not None:
            return config.likelihood_labels
        return default_likelihood_labels(context)

    def impact_labels(self, config: RiskMapConfig, context: ItemContext) -> tuple[str, ...]:
        if config.impact_labels is not None:
            return config.impact_labels
        return default_impact_labels(context)

    def grids(
        self, config: RiskMapConfig, context: ItemContext
    ) -> list[tuple[str, str, tuple[str, ...]]]:
        """Each rating grid of the form: its field name, its question and its point labels."""
        grids = [
            (
                "likelihood",
                context.gettext("How likely is it to happen?"),
                self.likelihood_labels(config, context),
            ),
            (
                "impact",
                context.gettext("How much harm would it do?"),
                self.impact_labels(config, context),
            ),
        ]
        if config.capacities:
            grids += [
                (
                    "vulnerability",
                    context.gettext("How exposed are you to it?"),
                    (
                        context.pgettext("exposure", "Barely"),
                        context.pgettext("exposure", "Very"),
                    ),
                ),
                (
                    "capacity",
                    context.gettext("How able are you to face it?"),
                    (
                        context.pgettext("ability", "Barely"),
                        context.pgettext("ability", "Fully"),
                    ),
                ),
            ]
        return grids

    # -- asking ----------------------------------------------------------------------------

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
        fields: list[Any] = []
        if threats:
            fields += [
                GridField(name=name, label=label, rows=threats, labels=labels)
                for name, label, labels in self.grids(config, context)
            ]
        if config.proposals:
            fields.append(
                TextField(
                    name="proposal",
                    label=context.gettext("Is a threat missing? Name it (optional)"),
                    required=False,
                    moderated=True,
                    multiline=False,
                    max_length=120,
                )
            )
        if threats:
            intro = self.question(config, context)
        else:
            intro = context.gettext("There are no threats to rate yet.")
        return Form(fields, intro=intro)

    def accept(
        self, config: RiskMapConfig, value: dict[str, Any], context: ItemContext
    ) -> dict[str, Any]:
        threats = self.threats(config, context)
        if not threats and not value.get("proposal"):
            raise AnswerError("invalid", message=context.gettext("There is nothing to rate yet."))
        if value.get("likelihood") is not None and len(value["likelihood"]) != len(threats):
            raise AnswerError(
                "invalid", message=context.gettext("The list of threats changed; please reload.")
            )
        # Keep the names rated, so answers stay right if the list of threats grows later.
        return {**value, "threats": list(threats) if value.get("likelihood") else []}

    def new_tally(self, config: RiskMapConfig, context: ItemContext) -> RiskMapTally:
        return RiskMapTally(config.threats, config.capacities)

    def references(self, config: RiskMapConfig) -> tuple[Reference, ...]:
        if config.from_item is None:
            return ()
        return (Reference("from", config.from_item, ("riskmap",)),)

    def prompt(self, config: RiskMapConfig, context: ItemContext) -> str:
        return self.question(config, context)

    # -- showing ---------------------------------------------------------------------------

    def shown(self, result: RiskMapResult, context: ItemContext) -> list[ThreatRating]:
        """The threats rated by at least ``k`` people, highest risk first."""
        return [t for t in result.threats if t.risk is not None and context.enough(t.ratings)]

    def heatmap(
        self, config: RiskMapConfig, shown: list[ThreatRating], context: ItemContext
    ) -> Heatmap:
        cells = add_grids(t.cells for t in shown)
        return Heatmap(
            row_labels=tuple(reversed(axis_labels(self.impact_labels(config, context)))),
            column_labels=axis_labels(self.likelihood_labels(config, context)),
            cells=tuple(reversed(cells)),
            row_title=context.gettext("Impact"),
            column_title=context.gettext("Likelihood"),
            title=context.gettext("Ratings by likelihood and impact"),
        )

    def scatter(
        self, config: RiskMapConfig, shown: list[ThreatRating], context: ItemContext
    ) -> Scatter:
        """Each threat at its mean likelihood and impact, sized by how many rated it."""
        return Scatter(
            tuple(
                ScatterPoint(t.likelihood or 1.0, t.impact or 1.0, t.ratings, t.threat)
                for t in shown
            ),
            x_range=(1.0, 5.0),
            y_range=(1.0, 5.0),
            x_title=context.gettext("Likelihood"),
            y_title=context.gettext("Impact"),
            x_labels=axis_labels(self.likelihood_labels(config, context)),
            y_labels=axis_labels(self.impact_labels(config, context)),
            title=context.gettext("Each threat by its mean likelihood and impact"),
        )

    def risk_unit(self, config: RiskMapConfig, context: ItemContext) -> str:
        if config.capacities:
            return context.gettext("risk (likelihood x impact x vulnerability / capacity)")
        return context.gettext("risk (likelihood x impact)")

    def held_back(
        self, result: RiskMapResult, shown: list[ThreatRating], context: ItemContext
    ) -> list[Note]:
        held = len(result.threats) - len(shown)
        if not held:
            return []
        return [
            Note(
                context.ngettext(
                    "{count} threat is held back until more people rate it.",
                    "{count} threats are held back until more people rate them.",
                    held,
                )
            )
        ]

    def answers_note(self, result: RiskMapResult, context: ItemContext) -> Note:
        return Note(context.ngettext("{count} answer", "{count} answers", result.answers))

    def view(self, config: RiskMapConfig, result: RiskMapResult, context: ItemContext) -> View:
        shown = self.shown(result, context)
        blocks: list[Any] = []
        if shown:
            blocks += [
                self.heatmap(config, shown, context),
                self.scatter(config, shown, context),
                Bars(
                    tuple(Bar(t.threat, round(t.risk or 0, 1)) for t in shown),
                    title=context.gettext("Threats, highest risk first"),
                    unit=self.risk_unit(config, context),
                ),
            ]
        if result.proposals:
            blocks.append(
                Texts(
                    unordered([text for text, _ in result.proposals]),
                    title=context.gettext("Threats the room added"),
                )
            )
        blocks.append(self.answers_note(result, context))
        blocks += self.held_back(result, shown, context)
        return tuple(blocks)

    def threat_table(
        self, config: RiskMapConfig, shown: list[ThreatRating], context: ItemContext
    ) -> Table:
        headers = [
            context.pgettext("table header", "Threat"),
            context.pgettext("table header", "Ratings"),
            context.pgettext("table header", "Likelihood"),
            context.pgettext("table header", "Impact"),
        ]
        if config.capacities:
            headers += [
                context.pgettext("table header", "Vulnerability"),
                context.pgettext("table header", "Capacity"),
            ]
        headers.append(context.pgettext("table header", "Risk"))

        def figure(value: float | None) -> str:
            return "–" if value is None else context.number(value)

        rows = []
        for t in shown:
            row = [t.threat, context.number(t.ratings), figure(t.likelihood), figure(t.impact)]
            if config.capacities:
                row += [figure(t.vulnerability), figure(t.capacity)]
            row.append(figure(t.risk))
            rows.append(tuple(row))
        if config.capacities:
            title = context.gettext(
                "Threats ranked by risk (likelihood x impact x vulnerability / capacity)"
            )
        else:
            title = context.gettext("Threats ranked by risk (likelihood x impact)")
        return Table(tuple(headers), tuple(rows), title=title)

    def risk_note(self, config: RiskMapConfig, context: ItemContext) -> Note:
        if config.capacities:
            return Note(
                context.gettext(
                    "Risk is each participant's likelihood x impact x vulnerability / capacity"
                    " for the threat, averaged over participants (from {low} to {high}).",
                    low=0.2,
                    high=125,
                )
            )
        return Note(
            context.gettext(
                "Risk is each participant's likelihood x impact for the threat, averaged over"
                " participants (from {low} to {high}).",
                low=1,
                high=25,
            )
        )

    def report(self, config: RiskMapConfig, result: RiskMapResult, context: ItemContext) -> View:
        shown = self.shown(result, context)
        blocks: list[Any] = []
        if shown:
            blocks += [
                self.heatmap(config, shown, context),
                self.scatter(config, shown, context),
                self.threat_table(config, shown, context),
            ]
        if result.proposals:
            blocks.append(
                Table(
                    (
                        context.pgettext("table header", "Threat proposed by participants"),
                        context.pgettext("table header", "Proposed by"),
                    ),
                    tuple((text, context.number(count)) for text, count in result.proposals),
                    title=context.gettext("Threats the room added"),
                )
            )
        blocks += [self.answers_note(result, context), self.risk_note(config, context)]
        blocks += self.held_back(result, shown, context)
        return tuple(blocks)

    # -- exporting -------------------------------------------------------------------------

    def export(
        self, config: RiskMapConfig, answers: Sequence[Answer], context: ItemContext
    ) -> Iterable[Sequence[ExportCell]]:
        """Each answer's ratings of the threats the view shows, and its approved proposal.

        Ratings of a threat held back (rated by fewer than ``k``) are left out, as in
        the view, so the export cannot show one person's ratings of it.
        """
        result = self.tally(config, [dict(answer.value) for answer in answers], context)
        shown = {t.threat for t in self.shown(result, context)}
        current = self.threats(config, context)
        grids = self.grids(config, context)
        proposal_label = context.gettext("Is a threat missing? Name it (optional)")
        for answer in answers:
            value = answer.value
            cells: list[ExportCell] = []
            for index, threat in enumerate(value.get("threats") or []):
                if threat not in shown:
                    continue
                number = current.index(threat) if threat in current else index
                for name, label, labels in grids:
                    points = value.get(name) or []
                    if index < len(points):
                        cells.append(
                            ExportCell(
                                f"{name}.{number}",
                                context.gettext(
                                    "{question}: {row}", question=label, row=strip_controls(threat)
                                ),
                                points[index],
                                point_text(points[index], labels),
                            )
                        )
            proposal = value.get("proposal")
            if isinstance(proposal, str) and proposal:
                cells.append(ExportCell("proposal", proposal_label, proposal, proposal))
            if cells:
                yield cells
