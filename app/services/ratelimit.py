"""Counting failed logins in Redis, per address and per client IP."""

import hashlib
import logging

from flask import current_app
from redis.exceptions import RedisError

from app.queue import get_redis

log = logging.getLogger("labolien.ratelimit")


def _keys(email: str, ip: str) -> tuple[str, str]:
    # Hashed so that Redis holds no address in clear.
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
