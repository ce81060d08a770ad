"""Settings read from the environment, with defaults that need no server."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE_DIR = BASE_DIR / "instance"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def load_config(instance_dir: Path = DEFAULT_INSTANCE_DIR) -> dict:
    """Build the settings mapping from the environment.

    Without DATABASE_URL the database is a SQLite file in the instance folder.
    Without REDIS_URL, `make run` starts an embedded Redis. Without MAIL_SERVER,
    e-mails are written as .eml files.
    """
    instance_dir = Path(os.environ.get("LABOLIEN_INSTANCE_DIR", instance_dir))
    mail_server = os.environ.get("MAIL_SERVER") or None

    return {
        "INSTANCE_DIR": str(instance_dir),
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "DATABASE_URL": os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance_dir / 'labolien.sqlite3'}",
        # Connections kept open per process on PostgreSQL.
        "DATABASE_POOL_SIZE": _int("DATABASE_POOL_SIZE", 8),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "RQ_QUEUE_NAME": os.environ.get("RQ_QUEUE_NAME", "labolien"),
        # Jobs run inside the request when true; only for tests of views
        # that do not care about the queue.
        "RQ_EAGER": False,
        "MAIL_SERVER": mail_server,
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "Labolien <ne-pas-repondre@labolien.localhost>"
        ),
        # Flask-Mail drops every message when TESTING is on unless this is
        # set; the tests send to a real SMTP server on loopback.
        "MAIL_SUPPRESS_SEND": False,
        # Folder of the .eml files written when no SMTP server is set.
        "MAILBOX_DIR": str(instance_dir / "mailbox"),
        # The development mailbox page shows every e-mail, reset links
        # included, to anyone: only `make run` (app.devserver) turns it on.
        "MAILBOX_ENABLED": _bool("MAILBOX_ENABLED", False),
        # Absolute base of the links put in e-mails, since jobs run outside
        # any request.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/"),
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "LANGUAGES": ("fr", "en"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_int("SESSION_HOURS", 12)),
        # A session lasts SESSION_HOURS from login. Refreshing the cookie on
        # every response would send Set-Cookie with static files too.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": True,
        # Invitation and password-reset links, in seconds.
        "INVITATION_MAX_AGE": _int("INVITATION_MAX_AGE", 7 * 24 * 3600),
        "PASSWORD_RESET_MAX_AGE": _int("PASSWORD_RESET_MAX_AGE", 2 * 3600),
        # Links to published documents in notification e-mails.
        "NOTIFICATION_LINK_MAX_AGE": _int("NOTIFICATION_LINK_MAX_AGE", 90 * 24 * 3600),
        # Failed logins allowed per address, and per client IP, in the window.
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5),
        "LOGIN_MAX_FAILURES_PER_IP": _int("LOGIN_MAX_FAILURES_PER_IP", 30),
        "LOGIN_FAILURE_WINDOW": _int("LOGIN_FAILURE_WINDOW", 15 * 60),
        # Password-reset requests allowed per address and per client IP in the window.
        "PASSWORD_RESET_MAX_REQUESTS": _int("PASSWORD_RESET_MAX_REQUESTS", 3),
        "PASSWORD_RESET_MAX_REQUESTS_PER_IP": _int("PASSWORD_RESET_MAX_REQUESTS_PER_IP", 20),
        "PASSWORD_RESET_WINDOW": _int("PASSWORD_RESET_WINDOW", 3600),
        "DOCUMENTS_PER_PAGE": 50,
        "CLIENTS_PER_PAGE": 50,
        # Seconds between two sweeps of the outbox by the worker.
        "OUTBOX_SWEEP_INTERVAL": _int("OUTBOX_SWEEP_INTERVAL", 60),
        # Attempts to send an e-mail before its outbox row is marked failed.
        "NOTIFICATION_MAX_ATTEMPTS": _int("NOTIFICATION_MAX_ATTEMPTS", 5),
        # Seconds before the first retry; each further retry waits 4 times longer.
        "NOTIFICATION_RETRY_DELAY": _int("NOTIFICATION_RETRY_DELAY", 60),
        # A batch e-mail lists at most this many documents.
        "NOTIFICATION_MAX_DOCUMENTS": 100,
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        # Static URLs carry a hash of the file's content (templating.static_url),
        # so browsers may keep them a year. Views that send private files
        # (PDFs, e-mails) pass max_age=0 themselves.
        "SEND_FILE_MAX_AGE_DEFAULT": timedelta(days=365),
        # Responses are compressed by the app, so a deployment needs no
        # proxy set-up for it; small bodies are not worth it.
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
        ],
        "COMPRESS_ALGORITHM": ["gzip"],
        "COMPRESS_LEVEL": 6,
        "COMPRESS_MIN_SIZE": 500,
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
    }
