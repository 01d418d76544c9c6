"""Shaping the framework for the API and the pages."""

from __future__ import annotations

from app.framework.models import Framework
from app.framework.schemas import CompetencyRead, LevelRead


def competencies_read(framework: Framework) -> list[CompetencyRead]:
    return [
        CompetencyRead(
            number=c.number,
            key=c.key,
            title=c.title,
            statement=c.statement,
            summary=c.summary,
            levels=[
                LevelRead(
                    level=d.level, label=framework.scale_label(d.level), descriptor=d.descriptor
                )
                for d in sorted(c.levels, key=lambda d: d.level)
            ],
            evidence_prompts=list(c.evidence_prompts),
        )
        for c in sorted(framework.competencies, key=lambda c: c.number)
    ]
