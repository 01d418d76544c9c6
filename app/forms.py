"""Turning form posts into validated schemas, and validation failures into field messages."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

T = TypeVar("T", bound=BaseModel)

_FRIENDLY = {
    "missing": "Enter {label}",
    "string_too_short": "Enter {label}",
    "int_parsing": "Choose {label}",
    "int_type": "Choose {label}",
    "string_type": "Enter {label}",
    "date_type": "Enter {label}",
    "list_type": "Choose {label}",
    "too_short": "Choose {label}",
    "greater_than_equal": "Choose {label}",
    "less_than_equal": "Choose {label}",
    "enum": "Choose {label}",
    "date_from_datetime_parsing": "Enter {label} as a real date",
    "date_parsing": "Enter {label} as a real date",
    "url_parsing": "Enter {label} as a full web address starting https://",
    "url_scheme": "Enter {label} as a full web address starting https://",
}


def blank_to_none(data: dict[str, Any], *fields: str) -> dict[str, Any]:
    return {k: (None if k in fields and v in ("", None) else v) for k, v in data.items()}


def parse_form(
    schema: type[T], data: dict[str, Any], labels: dict[str, str]
) -> tuple[T | None, dict[str, str]]:
    """The schema, or the error message for each field (keyed by field name, first only)."""
    try:
        return schema.model_validate(data), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "form"
            if field in errors:
                continue
            label = labels.get(field, field.replace("_", " "))
            template = _FRIENDLY.get(error["type"])
            errors[field] = (
                template.format(label=label)
                if template
                else f"{label.capitalize()}: {error['msg']}"
            )
        return None, errors
