"""What a PCT user's home says about the current assessment, worded for its status and for
the reader's role, so that the template holds no logic and never keeps stale wording (such as
"ready for sign-off" once the board has signed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.actors import Actor
from app.assessments.models import AssessmentStatus as S
from app.assessments.workflow import PCT_EDITABLE
from app.home.service import AssessmentCard, PctHome, Withdrawal
from app.users.models import Role
from app.wording import count, long_date


@dataclass(frozen=True)
class CurrentAssessmentView:
    card: AssessmentCard
    role: Role
    user_id: int | None = None

    @property
    def status(self) -> S:
        return self.card.assessment.status

    @property
    def stage(self) -> str:
        """Where the assessment stands, in words that fit its status."""
        a = self.card.assessment
        if self.status is S.DRAFT:
            if self.role is Role.CLINICIAN:
                return "Draft: the PCT is preparing its self-assessment"
            return self.readiness_text
        if self.status is S.SIGNED_OFF:
            signed_on = a.signed_off_meeting_date or a.signed_off_at
            return f"Signed off by the board on {long_date(signed_on)}, waiting to be submitted"
        if self.status in (S.SUBMITTED, S.IN_REVIEW):
            return f"With the SHA since {long_date(a.submitted_at)}"
        if self.status is S.RETURNED:
            left = self.card.open_points
            if left:
                return f"Returned by the SHA: {left} point{'s' if left != 1 else ''} to answer"
            return "Returned by the SHA: every point answered"
        if self.status is S.PROVISIONAL:
            return f"The SHA shared provisional ratings on {long_date(a.provisional_at)}"
        return f"Finalised by the SHA on {long_date(a.finalised_at)}"

    @property
    def provisional_action(self) -> tuple[str, str] | None:
        """The link to the SHA's provisional ratings, with words for the reader's role."""
        if self.status is not S.PROVISIONAL:
            return None
        url = f"/assessments/{self.card.assessment.id}/factual-accuracy"
        if self.role is Role.PCT_LEAD:
            return "Check the provisional ratings for factual accuracy", url
        return "See the SHA's provisional ratings", url

    @property
    def readiness_text(self) -> str:
        readiness = self.card.readiness
        if readiness is None:
            return ""
        again = " again" if self.status is S.RETURNED else ""
        if readiness.ready:
            return f"Ready for the board to sign off{again}"
        missing = len(readiness.missing)
        return (
            f"Not ready for the board to sign off{again}: {count(missing, 'thing')} still missing"
        )

    @property
    def shows_readiness(self) -> bool:
        """Readiness is for those who prepare and sign the assessment, while it can change; a
        draft's stage already is its readiness."""
        return (
            self.role in (Role.PCT_LEAD, Role.BOARD_MEMBER)
            and self.status is S.RETURNED
            and self.card.readiness is not None
        )

    @property
    def board_prompt(self) -> str | None:
        """What the board member is asked to do now, if anything."""
        if self.role is not Role.BOARD_MEMBER or not self.card.awaits_sign_off:
            return None
        readiness = self.card.readiness
        ready = readiness is not None and readiness.ready
        if self.status is S.RETURNED:
            if ready:
                return (
                    "The PCT has revised the self-assessment and answered the SHA's points. "
                    "It waits for the board to sign it off again."
                )
            return "The PCT lead is revising the self-assessment and answering the SHA's points."
        if ready:
            return "The self-assessment is complete and waits for the board's sign-off."
        return "The self-assessment is not yet complete; the PCT lead is working on it."

    @property
    def withdrawal(self) -> Withdrawal | None:
        """A withdrawn sign-off, told to the board and the lead (until mail exists)."""
        if self.role not in (Role.PCT_LEAD, Role.BOARD_MEMBER):
            return None
        if self.status not in PCT_EDITABLE:
            return None
        return self.card.withdrawal

    @property
    def withdrawn_by(self) -> str:
        """Who withdrew it: "You" for the reader who did."""
        withdrawal = self.card.withdrawal
        if withdrawal is None:
            return ""
        if self.user_id is not None and withdrawal.by_id == self.user_id:
            return "You"
        return withdrawal.by

    @property
    def withdrawn_on(self) -> str:
        return long_date(self.card.withdrawal.at) if self.card.withdrawal else ""


def current_assessment_view(
    card: AssessmentCard | None, actor: Actor
) -> CurrentAssessmentView | None:
    return CurrentAssessmentView(card, actor.role, actor.user_id) if card is not None else None


@dataclass(frozen=True)
class OverduePlan:
    """One development plan with actions overdue: the assessment's cycle, how many, and the
    due date of the longest overdue."""

    assessment_id: int
    cycle_name: str
    count: int
    oldest_due: date

    @property
    def href(self) -> str:
        return f"/assessments/{self.assessment_id}/development-plan"

    @property
    def link_text(self) -> str:
        """ "The 2008/09 development plan" (or "The development plan" with no cycle known)."""
        return (
            f"The {self.cycle_name} development plan" if self.cycle_name else "The development plan"
        )

    @property
    def detail(self) -> str:
        """ "1 overdue, due 31 March 2010", "2 overdue, the earliest due 31 March 2010"."""
        earliest = "the earliest " if self.count > 1 else ""
        return f"{self.count} overdue, {earliest}due {long_date(self.oldest_due)}"


@dataclass(frozen=True)
class OverdueNotice:
    """The warning on a PCT's home: its development actions past their due date, by plan."""

    plans: tuple[OverduePlan, ...]

    @property
    def total(self) -> int:
        return sum(plan.count for plan in self.plans)

    @property
    def heading(self) -> str:
        """ "1 development action is overdue", "3 development actions are overdue"."""
        n = self.total
        return f"{count(n, 'development action')} {'is' if n == 1 else 'are'} overdue"


def overdue_notice(home: PctHome) -> OverdueNotice | None:
    """The PCT's overdue development actions grouped by plan, the plan with the longest
    overdue first; None when none is overdue."""
    if not home.overdue:
        return None
    cards = [*([home.current] if home.current else []), *home.earlier]
    cycles = {card.assessment.id: card.cycle.name for card in cards}
    by_plan: dict[int, list[date]] = {}
    for action in home.overdue:  # longest overdue first
        by_plan.setdefault(action.assessment_id, []).append(action.due_on)
    return OverdueNotice(
        tuple(
            OverduePlan(assessment_id, cycles.get(assessment_id, ""), len(dues), dues[0])
            for assessment_id, dues in by_plan.items()
        )
    )
