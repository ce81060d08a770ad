"""Counting failed logins in Redis, per address and per client IP."""

import hashlib
import logging

from flask import current_app
from redis.exceptions import RedisError

from app.queue import get_redis

log = logging.getLogger("labolien.ratelimit")


def _keys(email: str, ip: str) -> tuple[str, str]:
    # Hashed so that Redis stores no address in clear.
    digest = hashlib.sha256(email.encode()).hexdigest()[:24]
    return f"login-fail:email:{digest}", f"login-fail:ip:{ip}"


def is_login_blocked(email: str, ip: str) -> bool:
    """Tell whether too many logins failed lately for this address or this IP.

    Fails open (returns False) when Redis is unreachable, logging an error,
    so that an outage of the queue does not lock every user out.
    """
    redis = get_redis()
    if redis is None:
        return False
    email_key, ip_key = _keys(email, ip)
    try:
        email_count, ip_count = redis.mget(email_key, ip_key)
    except RedisError:
        log.exception("login rate limit unavailable: Redis unreachable")
        return False
    config = current_app.config
    return (
        int(email_count or 0) >= config["LOGIN_MAX_FAILURES"]
        or int(ip_count or 0) >= config["LOGIN_MAX_FAILURES_PER_IP"]
    )


def record_login_failure(email: str, ip: str) -> None:
    """Count one failed login; each counter expires after the window."""
    redis = get_redis()
    if redis is None:
        return
    window = current_app.config["LOGIN_FAILURE_WINDOW"]
    try:
        pipe = redis.pipeline()
        for key in _keys(email, ip):
            pipe.incr(key)
            pipe.expire(key, window)
        pipe.execute()
    except RedisError:
        log.exception("login failure not counted: Redis unreachable")


def clear_login_failures(email: str, ip: str) -> None:
    """Reset the address counter after a successful login (the IP one stays)."""
    redis = get_redis()
    if redis is None:
        return
    try:
        redis.delete(_keys(email, ip)[0])
    except RedisError:
        log.exception("login failures not cleared: Redis unreachable")


def _reset_keys(email: str, ip: str) -> tuple[str, str]:
    digest = hashlib.sha256(email.encode()).hexdigest()[:24]
    return f"reset-request:email:{digest}", f"reset-request:ip:{ip}"


def allow_password_reset_request(email: str, ip: str) -> bool:
    """Count one password-reset request and tell whether it stays within the limits.

    Every request counts, whether the address has an account or not, so a
    refusal reveals nothing about which addresses exist. The window starts
    at the first request and does not slide. Fails open (returns True) when
    Redis is unreachable, logging an error.
    """
    redis = get_redis()
    if redis is None:
        return True
    config = current_app.config
    window = config["PASSWORD_RESET_WINDOW"]
    email_key, ip_key = _reset_keys(email, ip)
    try:
        pipe = redis.pipeline()
        for key in (email_key, ip_key):
            # SET NX starts the window once; INCR keeps the expiry it set.
            pipe.set(key, 0, ex=window, nx=True)
            pipe.incr(key)
        _, email_count, _, ip_count = pipe.execute()
    except RedisError:
        log.exception("password-reset rate limit unavailable: Redis unreachable")
        return True
    return (
        email_count <= config["PASSWORD_RESET_MAX_REQUESTS"]
        and ip_count <= config["PASSWORD_RESET_MAX_REQUESTS_PER_IP"]
    )
