"""The comparison page: an assessment against the PCT's previous finalised assessment, for
anyone who may read the assessment. The same comparison as the JSON API, laid out as the
assurance report's "Since last year" lays it out (``app.reports.since_last_year``)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.comparison import service
from app.comparison.rules import Basis
from app.deps import SessionDep
from app.params import PathId
from app.reports.since_last_year import SinceLastYear
from app.web import PageActor, render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class ComparisonPage:
    """What the page shows: the report's rows and sentences, its heading and its way back."""

    since: SinceLastYear

    @property
    def heading(self) -> str:
        """ "Since 2008/09", or "Since last year" when there is nothing earlier."""
        previous = self.since.previous_name
        return f"Since {previous}" if previous else "Since last year"

    @property
    def caption(self) -> str:
        c = self.since.comparison
        return f"{c.organisation.name}, {c.cycle.name}"

    @property
    def back_href(self) -> str:
        return f"/assessments/{self.since.comparison.assessment.id}"

    @property
    def review_shown(self) -> bool:
        return self.since.comparison.review_shown

    @property
    def own_levels_compared(self) -> bool:
        """Some movement is of the PCT's own levels, so the key says what "(PCT's own)" means."""
        c = self.since.comparison
        return any(
            line.movement is not None and line.movement.basis is Basis.SELF
            for line in (*c.competencies, *c.criteria, *c.governance)
        )


@router.get("/assessments/{assessment_id}/comparison", response_class=HTMLResponse)
def comparison(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> HTMLResponse:
    """The movement per competency, criterion and governance area since the PCT's previous
    finalised assessment; a plain note when it has none."""
    found = service.compare_assessment(session, actor, assessment_id)
    return render(
        request, "comparison/comparison.html", {"page": ComparisonPage(SinceLastYear(found))}
    )
