"""Scoring of a diagnostic: a pure function from (bank, raw answers) to levels and a recommendation.

Nothing here reads the database or the clock, so a stored diagnostic can be scored again at any time from its
raw answers and its bank version, and the rules below are tested on fixed answer sets.

The rules
---------
Answers to skill questions are on a 0-3 scale: 0 "ne sait pas", 1 "avec de l'aide", 2 "seul·e",
3 "seul·e et peut expliquer". "Ne souhaite pas répondre" (``nsp``) and unanswered questions are left out of
every average: they are not 0, since nothing was measured.

1. Area score: the mean of the answered skill questions of that DigComp area (0 to 3). An area with no
   answered question is "non évalué" (level ``None``), never 0.
2. Overall score: the mean of the evaluated area scores, each area weighing the same (as in DigComp, where
   no area is worth more than another), so that an area with many questions does not drown the others.
3. Level, from a score, on the scale point reached on average:
   - score < 1 (below "avec de l'aide")           -> entièrement accompagné·e;
   - 1 <= score < 2 (with help, not yet alone)      -> partiellement autonome;
   - score >= 2 (alone, on average)                 -> autonome.
   Means are computed with exact fractions, so that 2 is 2 and not 1.9999.
4. Recommendation, from the overall level:
   - entièrement accompagné·e -> faire pour la personne, sous mandat (Aidants Connect), the person consenting;
   - partiellement autonome   -> faire avec la personne (she learns while the procedure gets done);
   - autonome                 -> orienter vers un atelier on the themes still weak, or nothing to do if none;
   - non évalué               -> complete the diagnostic.
   Weak themes are the workshop themes of the skill questions answered 0 or 1, most frequent first; they are
   given with every recommendation, so that a person helped now can also be offered workshops.
5. Obstacles (equipment, connection, reading, language or disability) never change the levels: they are listed
   as points of attention, to adapt the help (lend a device, a connection, an interpreter, FALC documents).
6. The result is "partial" when fewer than half of the skill questions were answered: it is shown with a
   warning to confirm it.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from appui.accompaniments.enums import Autonomy, Theme

from .bank import QuestionBank
from .enums import AnswerValue, Recommendation

FULLY_ASSISTED_BELOW = Fraction(1)
AUTONOMOUS_FROM = Fraction(2)
WEAK_ANSWERS = frozenset({AnswerValue.CANNOT.value, AnswerValue.WITH_HELP.value})
SCORED_ANSWERS = {"0": 0, "1": 1, "2": 2, "3": 3}
RECOMMENDATION_BY_LEVEL = {
    Autonomy.FULLY_ASSISTED.value: Recommendation.ON_BEHALF,
    Autonomy.PARTIALLY.value: Recommendation.DO_WITH,
}


@dataclass(frozen=True)
class AreaResult:
    code: str
    label: str
    plain_label: str
    answered: int
    total: int
    score: Fraction | None
    level: str | None

    @property
    def mean(self) -> float | None:
        """Return the score rounded to one decimal, for display (None when not evaluated)."""
        return None if self.score is None else round(float(self.score), 1)

    @property
    def level_label(self) -> str:
        return Autonomy(self.level).label if self.level else "Non évalué"


@dataclass(frozen=True)
class DiagnosticResult:
    areas: tuple[AreaResult, ...]
    score: Fraction | None
    level: str | None
    answered: int
    total: int
    recommendation: Recommendation
    workshop_themes: tuple[str, ...]
    obstacles: tuple[str, ...]

    @property
    def mean(self) -> float | None:
        return None if self.score is None else round(float(self.score), 1)

    @property
    def partial(self) -> bool:
        """Return whether fewer than half of the skill questions were answered."""
        return 2 * self.answered < self.total

    @property
    def level_label(self) -> str:
        return Autonomy(self.level).label if self.level else "Non évalué"

    @property
    def workshop_theme_labels(self) -> list[str]:
        return [Theme(code).label for code in self.workshop_themes]


def overall_score_of(result: DiagnosticResult) -> Decimal | None:
    """Return the overall score rounded to 3 decimals, as stored for statistics (None when not evaluated)."""
    if result.score is None:
        return None
    return (Decimal(result.score.numerator) / Decimal(result.score.denominator)).quantize(Decimal("0.001"))


def level_for(score: Fraction | None) -> str | None:
    """Return the Autonomy level of a 0-3 score, or None when nothing was evaluated."""
    if score is None:
        return None
    if score < FULLY_ASSISTED_BELOW:
        return Autonomy.FULLY_ASSISTED.value
    if score < AUTONOMOUS_FROM:
        return Autonomy.PARTIALLY.value
    return Autonomy.AUTONOMOUS.value


def recommend(level: str | None, weak_themes: tuple[str, ...]) -> Recommendation:
    """Return the recommendation for an overall level (see the module docstring, rule 4)."""
    if level is None:
        return Recommendation.NOT_ASSESSED
    if level in RECOMMENDATION_BY_LEVEL:
        return RECOMMENDATION_BY_LEVEL[level]
    return Recommendation.WORKSHOP if weak_themes else Recommendation.NONE


def _mean(values: list[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def score(bank: QuestionBank, answers: Mapping[str, str]) -> DiagnosticResult:
    """Return the levels, recommendation, weak themes and obstacles of a set of raw answers."""
    areas = []
    weak: Counter[str] = Counter()
    answered_total = 0
    for area in bank.areas:
        questions = [q for q in bank.skill_questions if q.area == area.code]
        values = []
        for question in questions:
            value = answers.get(question.id)
            if value not in SCORED_ANSWERS:
                continue
            values.append(Fraction(SCORED_ANSWERS[value]))
            if value in WEAK_ANSWERS:
                weak.update(question.themes)
        answered_total += len(values)
        area_score = _mean(values)
        areas.append(
            AreaResult(
                code=area.code,
                label=area.label,
                plain_label=area.plain_label,
                answered=len(values),
                total=len(questions),
                score=area_score,
                level=level_for(area_score),
            )
        )
    overall = _mean([a.score for a in areas if a.score is not None])
    level = level_for(overall)
    theme_order = {code: i for i, code in enumerate(Theme.values)}
    weak_themes = tuple(sorted(weak, key=lambda t: (-weak[t], theme_order.get(t, len(theme_order)))))
    obstacles: list[str] = []
    for question in bank.obstacle_questions:
        choice = question.choice(answers.get(question.id, ""))
        for flag in choice.obstacles if choice else ():
            if flag not in obstacles:
                obstacles.append(flag)
    return DiagnosticResult(
        areas=tuple(areas),
        score=overall,
        level=level,
        answered=answered_total,
        total=len(bank.skill_questions),
        recommendation=recommend(level, weak_themes),
        workshop_themes=weak_themes,
        obstacles=tuple(obstacles),
    )
