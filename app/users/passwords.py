"""Password hashing with Argon2id (argon2-cffi) and the password rules."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from app.errors import InvalidInput

MIN_PASSWORD_LENGTH = 10
# zxcvbn's score, 0 to 4: 3 is "safely unguessable" against an attacker guessing offline.
MIN_STRENGTH = 3
TOO_EASY = (
    "Password is too easy to guess: use three or four words that do not belong together, "
    "or a longer mix of words, numbers and symbols"
)
_hasher = PasswordHasher()


def check_password_rules(password: str, *, email: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"Password must be at least {MIN_PASSWORD_LENGTH} characters long", field="password"
        )
    if password.strip().lower() == email.strip().lower():
        raise InvalidInput("Password must not be the email address", field="password")
    person = email.strip().lower().partition("@")[0]
    # zxcvbn's time grows with the length; the form's own limit keeps it bounded.
    if zxcvbn(password[:200], user_inputs=[email, person])["score"] < MIN_STRENGTH:
        raise InvalidInput(TOO_EASY, field="password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _stand_in_hash() -> str:
    return _hasher.hash("a stand-in that matches no password typed at sign-in")


def verify_or_spend_the_same(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no usable hash (an unknown or deactivated account),
    one Argon2 verification all the same, so that a failure takes as long whichever the
    account, and its timing does not tell which addresses have accounts."""
    if password_hash is None:
        verify_password(_stand_in_hash(), password)
        return False
    return verify_password(password_hash, password)
