"""The governance page: the PCT rates strategy, finance and board with a narrative; the SHA's
panel rates each again. Both forms call the service the JSON API calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.assessments import presenters, repository
from app.assessments.presenters import ReviewForm, ReviewPage
from app.deps import SessionDep
from app.forms import FormPost, FormProblem, blank_to_none, posted, render_form, submit_form
from app.governance import service
from app.governance.models import GovernanceArea, GovernanceRating, GovernanceReview, Rag
from app.governance.schemas import GovernanceRatingWrite, GovernanceReviewWrite
from app.params import PathId
from app.web import PageActor, hx_redirect

router = APIRouter(include_in_schema=False)

RATING_LABELS = {"rating": "a rating", "narrative": "why the board rates it so"}
REVIEW_LABELS = {"rating": "a rating", "comment": "a comment", "reason": "a reason"}


@dataclass(frozen=True)
class _Posted:
    """One area's form as posted and refused."""

    area: GovernanceArea
    values: dict[str, Any]
    problem: FormProblem


def _page(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: int,
    *,
    post: _Posted | None = None,
) -> Response:
    view = presenters.assessment_page(session, actor, assessment_id)
    side = "review" if view.reviews else "self"
    if view.reviews:
        review = ReviewPage(view, shared=repository.current_provisional(session, assessment_id))
        editable = review.form in (ReviewForm.OPEN, ReviewForm.MODERATION)
        moderating = review.form is ReviewForm.MODERATION
        awaiting_check = review.form is ReviewForm.AWAITING_CHECK
    else:
        editable, moderating, awaiting_check = view.can_edit, False, False
    context = {
        "view": view,
        "side": side,
        "post": post,
        "rags": list(Rag),
        "editable": editable,
        "moderating": moderating,
        "awaiting_check": awaiting_check,
    }
    return render_form(
        request, "governance/governance.html", context, post.problem if post else None
    )


@router.get("/assessments/{assessment_id}/governance", response_class=HTMLResponse)
def governance(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    return _page(request, session, actor, assessment_id)


def _done(request: Request, assessment_id: int, area: GovernanceArea, who: str) -> Response:
    return hx_redirect(
        request,
        f"/assessments/{assessment_id}/governance#governance-{area.value}",
        flash=f"{who} rating for {area.label.lower()} saved.",
    )


@router.post("/assessments/{assessment_id}/governance/{area}", response_class=HTMLResponse)
def save_rating(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    area: GovernanceArea,
    form: FormPost,
) -> Response:
    typed = posted(form, *RATING_LABELS, "version")

    def page(problem: FormProblem) -> Response:
        values = {
            "rating": typed["rating"],
            "text": typed["narrative"],
            "version": typed["version"],
        }
        return _page(request, session, actor, assessment_id, post=_Posted(area, values, problem))

    def done(_: GovernanceRating) -> Response:
        return _done(request, assessment_id, area, "Your")

    return submit_form(
        session,
        schema=GovernanceRatingWrite,
        data=blank_to_none(typed, "rating", "version"),
        labels=RATING_LABELS,
        command=lambda data: service.put_rating(session, actor, assessment_id, area, data=data),
        done=done,
        page=page,
    )


@router.post("/assessments/{assessment_id}/governance-reviews/{area}", response_class=HTMLResponse)
def save_review(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    area: GovernanceArea,
    form: FormPost,
) -> Response:
    typed = posted(form, *REVIEW_LABELS, "version")

    def page(problem: FormProblem) -> Response:
        values = {
            "rating": typed["rating"],
            "text": typed["comment"],
            "reason": typed["reason"],
            "version": typed["version"],
        }
        return _page(request, session, actor, assessment_id, post=_Posted(area, values, problem))

    def done(_: GovernanceReview) -> Response:
        return _done(request, assessment_id, area, "The panel's")

    return submit_form(
        session,
        schema=GovernanceReviewWrite,
        data=blank_to_none(typed, "rating", "version", "reason"),
        labels=REVIEW_LABELS,
        command=lambda data: service.put_review(session, actor, assessment_id, area, data=data),
        done=done,
        page=page,
    )
