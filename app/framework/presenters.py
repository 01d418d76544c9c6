"""Shaping the framework for the API and the pages."""

from __future__ import annotations

from collections.abc import Iterable

from app.framework.models import Framework, LevelDescriptor
from app.framework.schemas import CompetencyRead, CriterionRead, LevelRead, RollUpRead


def _levels(framework: Framework, levels: Iterable[LevelDescriptor]) -> list[LevelRead]:
    return [
        LevelRead(level=d.level, label=framework.scale_label(d.level), descriptor=d.descriptor)
        for d in sorted(levels, key=lambda d: d.level)
    ]


def competencies_read(framework: Framework) -> list[CompetencyRead]:
    return [
        CompetencyRead(
            number=c.number,
            key=c.key,
            title=c.title,
            hint=c.hint,
            statement=c.statement,
            summary=c.summary,
            levels=_levels(framework, c.levels),
            evidence_prompts=list(c.evidence_prompts),
            criteria=[
                CriterionRead(
                    number=k.number,
                    title=k.title,
                    summary=k.summary,
                    levels=_levels(framework, k.levels),
                )
                for k in c.criteria
            ],
        )
        for c in sorted(framework.competencies, key=lambda c: c.number)
    ]


def roll_up_read(framework: Framework) -> RollUpRead | None:
    if framework.roll_up is None:
        return None
    return RollUpRead(rule=framework.roll_up.rule.value, meaning=framework.roll_up.meaning)
