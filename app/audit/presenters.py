"""Audit events in words: who did what, when, and what changed, before and after.

"Jane Lead (PCT assurance lead) changed the self-assessed level of competency 3 from 2 to 3";
"Dr Rev (SHA reviewer) returned the assessment: More on competency 4". One place for the
words, so that the assessment's history page, the administrator's "what changed" panels and
anything later say the same thing the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.assessments.models import AssessmentStatus, EvidenceRatingValue
from app.audit.trail import AuditEvent
from app.development.models import ActionStatus, SupportKind
from app.governance.models import GovernanceArea, Rag
from app.users.models import Role
from app.web import ROLE_WORDS
from app.wording import ENGLAND, count, long_date

NONE = "none"


@dataclass(frozen=True)
class Change:
    """One field of a row, before and after, in words."""

    what: str
    before: str
    after: str


@dataclass(frozen=True)
class Names:
    """What the words need to name things an event holds only by id."""

    evidence: Mapping[int, str] = field(default_factory=dict)
    actions: Mapping[int, str] = field(default_factory=dict)
    organisations: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EventLine:
    """One event as a page shows it."""

    id: int
    occurred_at: datetime
    who: str
    sentence: str
    quote: str | None = None
    items: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def when(self) -> str:
        """ "14 January 2010 at 10:32", in England."""
        moment = self.occurred_at.astimezone(ENGLAND)
        return f"{long_date(moment)} at {moment:%H:%M}"


def who(name: str | None, role: Role | None, label: str) -> str:
    """ "Jane Lead (PCT assurance lead)"; the label the event keeps when the account is gone;
    "The system" for the system's own changes."""
    if name and role is not None:
        return f"{name} ({ROLE_WORDS[role]})"
    if label == "system":
        return "The system"
    return label


# Values -----------------------------------------------------------------------------------------


def _label_of(kind: Callable[[str], Any]) -> Callable[[Any, Names], str]:
    def shown(value: Any, names: Names) -> str:
        try:
            return str(kind(value).label)
        except ValueError:
            return str(value)

    return shown


def _date(value: Any, names: Names) -> str:
    try:
        return long_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _yes_no(value: Any, names: Names) -> str:
    return "Yes" if value else "No"


def _active(value: Any, names: Names) -> str:
    return "Active" if value else "Deactivated"


def _role(value: Any, names: Names) -> str:
    try:
        return ROLE_WORDS[Role(value)]
    except ValueError:
        return str(value)


def _organisation(value: Any, names: Names) -> str:
    return names.organisations.get(value, str(value)) if isinstance(value, int) else NONE


def _people(value: Any, names: Names) -> str:
    if not isinstance(value, list):
        return str(value)
    return "; ".join(
        ", ".join(p for p in (str(person.get("name", "")), str(person.get("role", ""))) if p)
        for person in value
        if isinstance(person, dict)
    )


def _number(value: Any, names: Names) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _competency(value: Any, names: Names) -> str:
    return f"Competency {value}" if value is not None else "The plan as a whole"


Shown = Callable[[Any, Names], str]
_rag = _label_of(Rag)

# For each kind of row: the fields a change is told in, in order, with their label and how
# a value is shown (as text when no function is given).
FIELDS: dict[str, dict[str, tuple[str, Shown | None]]] = {
    "self_score": {
        "level": ("Level", None),
        "target_level": ("Target level", None),
        "rationale": ("Rationale", None),
        "improvement_action": ("Improvement action", None),
    },
    "criterion_score": {"level": ("Level", None), "rationale": ("Rationale", None)},
    "review_score": {"level": ("Level", None), "comment": ("Comment", None)},
    "review_criterion_score": {"level": ("Level", None), "comment": ("Comment", None)},
    "evidence_rating": {
        "rating": ("Rating", _label_of(EvidenceRatingValue)),
        "comment": ("Comment", None),
    },
    "return_point": {"response": ("The PCT's response", None)},
    "governance_rating": {"rating": ("Rating", _rag), "narrative": ("Narrative", None)},
    "governance_review": {"rating": ("Rating", _rag), "comment": ("Comment", None)},
    "panel": {
        "panel_date": ("Date of the panel", _date),
        "members": ("Sat for the SHA", _people),
        "pct_attendees": ("Attended for the PCT", _people),
        "notes": ("Notes", None),
    },
    "development_action": {
        "competency_number": ("On", _competency),
        "action": ("Action", None),
        "owner": ("Owner", None),
        "due_on": ("Due", _date),
        "support": ("Support from the SHA", _label_of(SupportKind)),
        "support_note": ("About the support", None),
        "status": ("Status", _label_of(ActionStatus)),
    },
    "user": {
        "full_name": ("Name", None),
        "job_title": ("Job title", None),
        "role": ("Role", _role),
        "organisation_id": ("Organisation", _organisation),
        "is_active": ("Account", _active),
    },
    "organisation": {
        "name": ("Name", None),
        "parent_id": ("Part of", _organisation),
        "population": ("Registered population", _number),
        "practice_count": ("Number of GP practices", _number),
    },
    "cycle": {
        "name": ("Name", None),
        "opens_on": ("Opens", _date),
        "submission_due": ("Submission due", _date),
        "review_due": ("Review due", _date),
        "provisional_step": ("Provisional ratings first", _yes_no),
    },
}


def _shown(value: Any, how: Shown | None, names: Names) -> str:
    if value is None or value == "" or value == []:
        return NONE
    return how(value, names) if how is not None else str(value)


def changes(
    entity: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    names: Names | None = None,
) -> list[Change]:
    """The fields of ``entity`` that differ between ``before`` and ``after``, in words (a new
    row: each field it was given)."""
    names = names or Names()
    old, new = before or {}, after or {}
    found: list[Change] = []
    for name, (label, how) in FIELDS.get(entity, {}).items():
        if name not in new and name not in old:
            continue
        was, now = old.get(name), new.get(name)
        if was == now or (was in (None, "", []) and now in (None, "", [])):
            continue
        found.append(Change(label, _shown(was, how, names), _shown(now, how, names)))
    return found


# Sentences --------------------------------------------------------------------------------------


def _quoted(text: object) -> str:
    return f"“{text}”"


def _status(value: Any) -> str:
    try:
        return AssessmentStatus(value).label
    except ValueError:
        return str(value)


def _on(number: Any) -> str:
    return f"competency {number}" if number is not None else "the assessment as a whole"


def _point(number: Any, text: Any) -> str:
    return f"{'Competency ' + str(number) if number is not None else 'General'}: {text}"


@dataclass(frozen=True)
class _Said:
    """What an event says beyond who: its sentence, and anything quoted or listed."""

    sentence: str
    quote: str | None = None
    items: list[str] = field(default_factory=list)
    changes: list[Change] | None = None  # None: the fields that changed, as usual


def _move(event: AuditEvent, names: Names) -> _Said | None:
    """Events on the assessment itself: its workflow moves and what it presents."""
    after = event.after or {}
    before = event.before or {}
    action = event.action
    if action == "create":
        return _Said("opened the assessment", changes=[])
    if action == "sign_off":
        sentence = "signed off the assessment for the board"
        if after.get("meeting_date"):
            sentence += f" at its meeting on {_date(after['meeting_date'], names)}"
        if after.get("minute_reference"):
            sentence += f", minute {after['minute_reference']}"
        return _Said(sentence)
    if action == "withdraw_sign_off":
        return _Said("withdrew the board's sign-off", quote=after.get("reason") or None)
    if action == "submit":
        presented = after.get("evidence_ids") or []
        sentence = f"submitted the assessment to the SHA (round {after.get('round', 1)})"
        if presented:
            sentence += f", presenting {count(len(presented), 'evidence item')}"
        return _Said(sentence)
    if action == "start_review":
        return _Said("began the SHA's review")
    if action == "return":
        reason = after.get("reason") or ""
        points = [
            _point(p.get("competency_number"), p.get("request", ""))
            for p in after.get("points") or []
            if isinstance(p, dict)
            and not (p.get("competency_number") is None and p.get("request") == reason)
        ]
        return _Said(
            f"returned the assessment: {reason}" if reason else "returned the assessment",
            items=points,
        )
    if action == "finalise":
        return _Said("finalised the review")
    if action == "reopen":
        return _Said("reopened the finalised review", quote=after.get("reason") or None)
    if action == "share_provisional":
        return _Said(
            f"shared the SHA's ratings with the PCT as provisional (round {after.get('round')})"
        )
    if action == "check_facts":
        comments = [
            _point(c.get("competency_number"), c.get("comment", ""))
            for c in after.get("comments") or []
            if isinstance(c, dict)
        ]
        if not comments:
            return _Said("accepted the provisional ratings as they stand")
        return _Said(
            "answered the provisional ratings with "
            f"{count(len(comments), 'factual-accuracy comment')}",
            items=comments,
        )
    presented = {
        "present_evidence": ("added the evidence item {} to the assessment", after),
        "withdraw_evidence": ("took the evidence item {} out of the assessment", before),
        "present_outcome": ("added the outcome measure {} to the assessment", after),
        "withdraw_outcome": ("took the outcome measure {} out of the assessment", before),
    }
    if action in presented:
        words, side = presented[action]
        return _Said(words.format(_quoted(side.get("title", ""))), changes=[])
    return None


@dataclass(frozen=True)
class _Scoring:
    """How a kind of score is told: "self-assessed competency 3 at level 2", "changed the
    self-assessed level of …", "changed the self-assessment of …"."""

    scored: str
    level: str
    whole: str


_SELF = _Scoring("self-assessed", "self-assessed level", "self-assessment")
_REVIEW = _Scoring("scored", "review level", "review")


def _level_change(what: str, event: AuditEvent, how: _Scoring, *, criterion: bool) -> _Said:
    """A score: set, changed in level, or changed in its words only."""
    before, after = event.before or {}, event.after or {}
    subject = f"criterion {after.get('criterion')}" if criterion else what
    if event.action == "create" or not before:
        return _Said(f"{how.scored} {subject} at level {after.get('level')}")
    if event.action == "derive":
        return _Said(
            f"changed a criterion of {what}, which moved its {how.level} from "
            f"{before.get('level')} to {after.get('level')}"
        )
    if before.get("level") != after.get("level"):
        return _Said(
            f"changed the {how.level} of {subject} from {before.get('level')} "
            f"to {after.get('level')}"
        )
    return _Said(f"changed the {how.whole} of {subject}")


def _child(event: AuditEvent, names: Names) -> _Said | None:
    """Events on the rows that belong to an assessment."""
    before, after = event.before or {}, event.after or {}
    either = {**before, **after}
    entity, action = event.entity, event.action
    if entity in ("self_score", "criterion_score"):
        return _level_change(
            _on(either.get("competency_number")),
            event,
            _SELF,
            criterion=entity == "criterion_score",
        )
    if entity in ("review_score", "review_criterion_score"):
        said = _level_change(
            _on(either.get("competency_number")),
            event,
            _REVIEW,
            criterion=entity == "review_criterion_score",
        )
        if action == "create" or not before:
            return _Said(said.sentence + " for the SHA's review")
        return said
    if entity == "evidence_rating":
        title = _quoted(names.evidence.get(either.get("evidence_id", 0), "an evidence item"))
        rating = _label_of(EvidenceRatingValue)
        if action == "create" or not before:
            return _Said(f"rated the evidence item {title} {rating(after.get('rating'), names)}")
        if before.get("rating") != after.get("rating"):
            return _Said(
                f"changed the rating of the evidence item {title} from "
                f"{rating(before.get('rating'), names)} to {rating(after.get('rating'), names)}"
            )
        return _Said(f"changed the comment on the rating of the evidence item {title}")
    if entity == "return_point":
        on = _on(either.get("competency_number"))
        answered = "answered" if not before.get("response") else "changed the answer to"
        return _Said(
            f"{answered} the SHA's point on {on}",
            quote=after.get("response") or None,
            items=[f"The SHA asked: {either.get('request', '')}"],
            changes=[] if not before.get("response") else None,
        )
    if entity == "moderation_change":
        subject = after.get("subject")
        key = after.get("key")
        if subject == "evidence":
            thing = "the evidence item " + _quoted(
                names.evidence.get(int(key) if str(key).isdigit() else 0, f"{key}")
            )
            how: Shown = _label_of(EvidenceRatingValue)
        elif subject == "governance":
            thing, how = f"the governance area {_area(key)}", _rag
        else:
            thing, how = f"{subject} {key}", _shown_text
        was, now = _shown(after.get("before"), how, names), _shown(after.get("after"), how, names)
        return _Said(
            f"changed the provisional rating of {thing} from {was} to {now}",
            quote=after.get("reason") or None,
            changes=[],
        )
    if entity in ("governance_rating", "governance_review"):
        area = f"the governance area {_area(either.get('area'))}"
        sha = entity == "governance_review"
        if action == "create" or not before:
            rag = _rag(after.get("rating"), names) + _meaning(after.get("rating"))
            return _Said(f"rated {area} {rag}" + (" for the SHA's panel" if sha else ""))
        whose = "the SHA's rating" if sha else "the rating"
        if before.get("rating") != after.get("rating"):
            return _Said(
                f"changed {whose} of {area} from {_rag(before.get('rating'), names)} to "
                f"{_rag(after.get('rating'), names)}"
            )
        return _Said(f"changed the {'comment' if sha else 'narrative'} on {area}")
    if entity == "panel":
        when = _date(after.get("panel_date"), names)
        if action == "create" or not before:
            return _Said(f"recorded the SHA's assurance panel of {when}")
        return _Said("changed the record of the SHA's assurance panel")
    if entity == "thread_message":
        return _Said(
            f"wrote in the questions on {_on(after.get('competency_number'))}",
            quote=after.get("body") or None,
            changes=[],
        )
    if entity == "development_action":
        if action == "create" or not before:
            return _Said(
                f"added a development action on {_on(after.get('competency_number'))}",
                quote=after.get("action") or None,
            )
        status = _label_of(ActionStatus)
        if before.get("status") != after.get("status"):
            return _Said(
                f"changed the status of a development action from "
                f"{status(before.get('status'), names)} to {status(after.get('status'), names)}",
                quote=after.get("action") or None,
            )
        return _Said("changed a development action", quote=after.get("action") or None)
    if entity == "development_progress_note":
        status = _label_of(ActionStatus)(after.get("status"), names)
        action_text = names.actions.get(after.get("action_id", 0))
        return _Said(
            f"reported progress on a development action: {status}",
            quote=after.get("note") or None,
            items=[f"The action: {action_text}"] if action_text else [],
            changes=[],
        )
    return None


def _shown_text(value: Any, names: Names) -> str:
    return str(value)


def _area(value: Any) -> str:
    try:
        return GovernanceArea(value).label
    except ValueError:
        return str(value)


def _meaning(value: Any) -> str:
    try:
        return f" ({Rag(value).meaning})"
    except ValueError:
        return ""


def describe(
    event: AuditEvent, actor_name: str | None, actor_role: Role | None, names: Names | None = None
) -> EventLine:
    """The event in words: who, what, and what changed, before and after."""
    names = names or Names()
    person = who(actor_name, actor_role, event.actor_label)
    said = (_move if event.entity == "assessment" else _child)(event, names)
    if said is None:
        said = _Said(
            f"recorded “{event.action.replace('_', ' ')}” on "
            f"{event.entity.replace('_', ' ')} {event.entity_id}"
        )
    found = (
        said.changes
        if said.changes is not None
        else changes(event.entity, event.before, event.after, names)
    )
    if event.entity == "assessment" and said.changes is None:
        was, now = (event.before or {}).get("status"), (event.after or {}).get("status")
        if was and now and was != now:
            found = [Change("Status", _status(was), _status(now))]
    assert event.id is not None
    return EventLine(
        id=event.id,
        occurred_at=event.occurred_at,
        who=person,
        sentence=f"{person} {said.sentence}",
        quote=said.quote,
        items=said.items,
        changes=found,
    )
