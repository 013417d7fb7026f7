"""facilitate plugin: evaluation forms, several questions in one, kept to the facilitator."""

from __future__ import annotations

from typing import Any

from facilitate.api import hookimpl

from .evaluation import Evaluation, EvaluationConfig, EvaluationResult, Question, QuestionResult

__all__ = ["Evaluation", "EvaluationConfig", "EvaluationResult", "Question", "QuestionResult"]


@hookimpl
def facilitate_activity_types(register: Any) -> None:
    register(Evaluation)
