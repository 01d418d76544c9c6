"""What the API says about competencies."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LevelRead(BaseModel):
    level: int
    label: str
    descriptor: str


class CriterionRead(BaseModel):
    number: str
    title: str
    summary: str | None
    levels: list[LevelRead]


class RollUpRead(BaseModel):
    rule: str
    meaning: str


class CompetencyRead(BaseModel):
    number: int
    key: str
    title: str
    hint: str | None = Field(
        default=None, description="One plain-English line on what the competency means"
    )
    statement: str | None
    summary: str
    levels: list[LevelRead]
    evidence_prompts: list[str]
    criteria: list[CriterionRead] = []


class FrameworkRead(BaseModel):
    version: str
    title: str
    sha256: str = Field(
        description="SHA-256 of what the file scores (without its hints): the hash a cycle records"
    )
    roll_up: RollUpRead | None = None
    competencies: list[CompetencyRead]
