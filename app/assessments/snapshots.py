"""What a board signs and what a submission freezes: evidence content and fingerprints.

A fingerprint is the SHA-256 of a canonical JSON text, so the same self-assessment and
evidence always give the same fingerprint, on any database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from app.assessments.models import SelfScore
from app.evidence.models import Attachment, EvidenceItem


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


def self_assessment(
    scores: Iterable[SelfScore], evidence: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """The self-scores and the presented evidence, as signed and as kept per round."""
    return {
        "self_scores": [
            score_content(s) for s in sorted(scores, key=lambda s: s.competency_number)
        ],
        "evidence": list(evidence),
    }


def fingerprint(scores: Iterable[SelfScore], evidence: Sequence[dict[str, Any]]) -> str:
    """SHA-256 of the self-assessment and its presented evidence: what a board signs."""
    return canonical_hash(self_assessment(scores, evidence))


def competency_digests(
    numbers: Iterable[int], scores: Iterable[SelfScore], evidence: Sequence[dict[str, Any]]
) -> dict[str, str]:
    """A hash per competency of its self-score and the presented items linked to it: equal
    digests mean nothing the competency shows has changed."""
    by_number = {s.competency_number: score_content(s) for s in scores}
    evidence = sorted(evidence, key=lambda e: e["id"])
    return {
        str(number): canonical_hash(
            {
                "self_score": by_number.get(number),
                "evidence": [e for e in evidence if number in e.get("competency_numbers", [])],
            }
        )
        for number in numbers
    }
