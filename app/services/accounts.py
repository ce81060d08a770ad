"""Passwords, sign-in checks and the signed single-use links sent by e-mail."""

import logging

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from app.models import User, utcnow

log = logging.getLogger("labolien.accounts")

MIN_PASSWORD_LENGTH = 10

# A hash computed once, checked when the address is unknown, so a login
# takes as long for an unknown address as for a wrong password.
_DUMMY_HASH = generate_password_hash("labolien-timing-equaliser")


class TokenPurpose:
    INVITATION = "invitation"
    PASSWORD_RESET = "password-reset"
    NOTIFICATION = "notification"


class InvalidToken(Exception):
    """A link that is tampered with, expired or already used."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_password(password: str) -> str:
    """Hash with werkzeug's default, scrypt: slow on purpose."""
    return generate_password_hash(password)


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this address and password, else None."""
    user = User.get_or_none(User.email == normalize_email(email))
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    if not user.is_active:
        return None
    return user


def set_password(user: User, password: str) -> None:
    """Store a new password; links issued before it stop working."""
    user.password_hash = hash_password(password)
    user.save(only=[User.password_hash])


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    user.save(only=[User.last_login_at])


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"labolien-{purpose}")


def make_account_token(user: User, purpose: str) -> str:
    """Sign a single-use link token for an invitation or a password reset."""
    return _serializer(purpose).dumps({"u": user.id, "p": user.password_fingerprint})


def load_account_token(token: str, purpose: str, max_age: int) -> User:
    """Return the user a link token was made for, or raise InvalidToken."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidToken(expired=True) from exc
    except BadSignature as exc:
        raise InvalidToken() from exc

    user = User.get_or_none(User.id == data.get("u"))
    if user is None or data.get("p") != user.password_fingerprint:
        raise InvalidToken()
    return user


def make_link_token(payload: dict, purpose: str) -> str:
    """Sign a payload for an expiring link that is not single use."""
    return _serializer(purpose).dumps(payload)


def load_link_token(token: str, purpose: str, max_age: int) -> dict:
    """Return a signed link's payload, or raise InvalidToken."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidToken(expired=True) from exc
    except BadSignature as exc:
        raise InvalidToken() from exc
