"""What a board signs and what a submission freezes: evidence content and fingerprints.

A fingerprint is the SHA-256 of a canonical JSON text, so the same self-assessment and
evidence always give the same fingerprint, on any database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from app.assessments.models import CriterionScore, SelfScore
from app.evidence.models import Attachment, EvidenceItem
from app.governance.models import GovernanceRating
from app.outcomes.models import Outcome


def evidence_content(
    item: EvidenceItem, numbers: Sequence[int], files: Sequence[Attachment]
) -> dict[str, Any]:
    """An evidence item as a submission freezes it."""
    return {
        "id": item.id,
        "title": item.title,
        "description": item.description,
        "kind": item.kind.value,
        "occurred_on": item.occurred_on.isoformat(),
        "url": item.url,
        "practice_id": item.practice_id,
        "clinicians_involved": item.clinicians_involved,
        "practices_involved": item.practices_involved,
        "author_id": item.author_id,
        "version": item.version,
        "competency_numbers": list(numbers),
        "attachments": [
            {"id": a.id, "filename": a.filename, "sha256": a.sha256, "size": a.size} for a in files
        ],
    }


def canonical_hash(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def score_content(score: SelfScore) -> dict[str, Any]:
    """A self-score as a board signs it and a submission keeps it."""
    return {
        "competency_number": score.competency_number,
        "level": score.level,
        "rationale": score.rationale,
        "improvement_action": score.improvement_action,
        "target_level": score.target_level,
    }


def criterion_content(score: CriterionScore) -> dict[str, Any]:
    return {"criterion": score.criterion, "level": score.level, "rationale": score.rationale}


def governance_content(rating: GovernanceRating) -> dict[str, Any]:
    return {"area": rating.area.value, "rating": rating.rating.value, "narrative": rating.narrative}


def outcome_content(outcome: Outcome) -> dict[str, Any]:
    """An outcome measure as the assessment presents it (its actuals are results recorded
    over time, not part of what the board signs)."""
    return {
        "id": outcome.id,
        "title": outcome.title,
        "indicator": outcome.indicator,
        "source": outcome.source.value,
        "unit": outcome.unit,
        "better": outcome.better.value,
        "baseline_year": outcome.baseline_year,
        "baseline_value": outcome.baseline_value,
        "trajectory": list(outcome.trajectory),
    }


def _criterion_order(criterion: str) -> tuple[int, int]:
    whole, _, part = criterion.partition(".")
    return int(whole), int(part or 0)


@dataclass(frozen=True)
class SelfAssessment:
    """What a board signs and a round keeps: the self-scores with their criteria, the
    governance ratings, the presented evidence (as content) and the presented outcomes.
    Parts left empty add nothing, so an assessment without criteria, governance or outcomes
    has the fingerprint it always had."""

    scores: Sequence[SelfScore]
    evidence: Sequence[dict[str, Any]]
    criteria: Sequence[CriterionScore] = ()
    governance: Sequence[GovernanceRating] = ()
    outcomes: Sequence[dict[str, Any]] = ()

    def content(self) -> dict[str, Any]:
        content: dict[str, Any] = {
            "self_scores": [
                score_content(s) for s in sorted(self.scores, key=lambda s: s.competency_number)
            ],
            "evidence": sorted(self.evidence, key=lambda e: e["id"]),
        }
        if self.criteria:
            content["criterion_scores"] = [
                criterion_content(c)
                for c in sorted(self.criteria, key=lambda c: _criterion_order(c.criterion))
            ]
        if self.governance:
            content["governance"] = [
                governance_content(g) for g in sorted(self.governance, key=lambda g: g.area.value)
            ]
        if self.outcomes:
            content["outcomes"] = sorted(self.outcomes, key=lambda o: o["id"])
        return content

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the whole self-assessment: what a board signs."""
        return canonical_hash(self.content())

    def digests(self, numbers: Iterable[int]) -> dict[str, str]:
        """A hash per competency (by number, as text) of its self-score, criterion scores and
        the presented items linked to it, and one each for governance and outcomes when there
        are any: equal digests mean nothing that part shows has changed."""
        by_number = {s.competency_number: score_content(s) for s in self.scores}
        evidence = sorted(self.evidence, key=lambda e: e["id"])
        digests: dict[str, str] = {}
        for number in numbers:
            part: dict[str, Any] = {
                "self_score": by_number.get(number),
                "evidence": [e for e in evidence if number in e.get("competency_numbers", [])],
            }
            criteria = sorted(
                (c for c in self.criteria if c.competency_number == number),
                key=lambda c: _criterion_order(c.criterion),
            )
            if criteria:
                part["criterion_scores"] = [criterion_content(c) for c in criteria]
            digests[str(number)] = canonical_hash(part)
        content = self.content()
        for key in ("governance", "outcomes"):
            if key in content:
                digests[key] = canonical_hash(content[key])
        return digests
