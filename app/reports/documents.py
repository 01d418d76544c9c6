"""Report HTML from report data, with the same autoescaping template environment as the pages."""

from __future__ import annotations

from app.reports.context import AssessmentReport
from app.reports.sha_summary import ShaReport
from app.web import templates


def assessment_html(report: AssessmentReport) -> str:
    return templates.env.get_template("reports/assessment.html").render(r=report)


def sha_html(report: ShaReport) -> str:
    return templates.env.get_template("reports/sha.html").render(r=report)
