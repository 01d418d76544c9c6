"""The rules for text the service stores and shows.

Stored: no C0 control characters (NUL, escape and the rest), which PostgreSQL, spreadsheets
and XML cannot all hold; tab, line feed and a carriage return that starts a line break
(CRLF, as browsers send a textarea's lines) are text. The same rule holds on every database,
so that data moves between them.

Shown: the bidirectional embedding, override and isolate controls (U+202A to U+202E,
U+2066 to U+2069) are taken out of every value a page or a PDF shows, so that a title such
as "invoice<RLO>fdp.exe" reads as typed instead of as "invoiceexe.pdf", and cannot reverse
the text after it. They are stored as typed: right-to-left writers may use them, and the
Unicode bidirectional algorithm orders their text without them.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]|\r(?!\n)")
# For str.translate: each bidirectional control to nothing.
_BIDI_CONTROLS = dict.fromkeys((*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_BIDI_PATTERN = re.compile("[\u202a-\u202e\u2066-\u2069]")


def unstorable(value: Any) -> bool:
    """Whether ``value`` (text, or text inside a JSON-like structure of dicts and lists)
    holds a character the service refuses to store."""
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(unstorable(k) or unstorable(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(unstorable(v) for v in value)
    return False


def _stored_form(match: re.Match[str]) -> str:
    return "\n" if match.group() == "\r" else ""


def without_unstorable(value: Any) -> Any:
    """``value`` with the characters the service refuses to store taken out (a lone carriage
    return, an old line break, becomes a line feed), inside dicts and lists too."""
    if isinstance(value, str):
        return _UNSTORABLE.sub(_stored_form, value)
    if isinstance(value, dict):
        return {without_unstorable(k): without_unstorable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_unstorable(v) for v in value]
    return value


def unstorable_message(name: str) -> str:
    """The refusal of a stored field, naming it as a person would (``organisation_code`` as
    "organisation code")."""
    words = name.replace("_", " ")
    return (
        f"The {words} holds a control character (such as a NUL) that cannot be stored. "
        "Remove it and try again."
    )


def unstorable_form_message(label: str) -> str:
    """The refusal of a form field, with the label the form's other messages use
    ("a title")."""
    return f"Enter {label} without control characters (such as a NUL): they cannot be stored"


def neutralise_bidi(value: Any) -> Any:
    """``value`` with the bidirectional controls taken out of its text; anything else as it
    is. The template environment's ``finalize``: every value a page or a PDF prints passes
    here (escaped markup stays markup: taking characters out adds none)."""
    if not isinstance(value, str) or value.isascii() or not _BIDI_PATTERN.search(value):
        return value
    cleaned = str.translate(value, _BIDI_CONTROLS)
    return Markup(cleaned) if isinstance(value, Markup) else cleaned
