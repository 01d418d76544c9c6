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


def fingerprint(scores: Iterable[SelfScore], evidence: Sequence[dict[str, Any]]) -> str:
    """SHA-256 of the self-assessment and its evidence set: what a board signs."""
    return canonical_hash(
        {
            "self_scores": [
                {
                    "competency_number": s.competency_number,
                    "level": s.level,
                    "rationale": s.rationale,
                    "improvement_action": s.improvement_action,
                    "target_level": s.target_level,
                }
                for s in sorted(scores, key=lambda s: s.competency_number)
            ],
            "evidence": list(evidence),
        }
    )
