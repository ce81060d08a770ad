"""Labolien: the client-space portal of dental prosthesis laboratories."""

import logging
import secrets
from pathlib import Path

from flask import Flask, abort, g, has_request_context, request
from flask_login import current_user
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined
from werkzeug.routing import IntegerConverter

from app.config import load_config
from app.database import bind_database, database
from app.extensions import babel, compress, csrf, htmx, login_manager, mail
from app.logging_setup import configure_logging
from app.queue import init_queue

log = logging.getLogger("labolien.app")

PACKAGE_DIR = Path(__file__).resolve().parent

# Largest value of a signed 64-bit integer, the widest id column.
MAX_DATABASE_ID = 2**63 - 1

# Strict: no inline script or style, nothing from another origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then the environment, then test overrides."""
    config = load_config()
    if test_config:
        config.update(test_config)
    configure_logging(config["LOG_LEVEL"])

    app = Flask(__name__, instance_path=config["INSTANCE_DIR"])
    app.config.update(config)
    # Before any route is added: ids beyond 64 bits get a 404 instead of
    # overflowing the database driver.
    app.url_map.converters["int"] = DatabaseIdConverter
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _ensure_secret_key(app)

    _init_templates(app)
    _init_database(app)
    _init_extensions(app)
    init_queue(app)
    _register_blueprints(app)
    _register_error_pages(app)
    _register_security_headers(app)
    _reject_nul_characters(app)

    from app.cli import register_cli

    register_cli(app)
    return app


def _ensure_secret_key(app: Flask) -> None:
    """Use SECRET_KEY, or a random key kept in the instance folder for development."""
    if app.config.get("SECRET_KEY"):
        return
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
        log.warning("SECRET_KEY unset: generated one in %s (development only)", key_file)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _init_templates(app: Flask) -> None:
    """Load pages from templates/ and htmx fragments from partials/ as `partials/...`."""
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(PACKAGE_DIR / "templates"),
            PrefixLoader({"partials": FileSystemLoader(PACKAGE_DIR / "partials")}),
        ]
    )
    if app.config.get("TESTING"):
        # A typo in a template variable fails the test instead of printing nothing.
        app.jinja_env.undefined = StrictUndefined
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from app.templating import register_template_helpers

    register_template_helpers(app)


def _init_database(app: Flask) -> None:
    """Bind the models to the configured database and lend a pooled connection per request."""
    bind_database(app.config["DATABASE_URL"], app.config["DATABASE_POOL_SIZE"])

    @app.before_request
    def _connect():
        # Static files need no database; other requests borrow lazily anyway,
        # but an explicit borrow keeps the connection for the whole request.
        if request.endpoint != "static":
            database.connect(reuse_if_open=True)

    @app.teardown_request
    def _release(exc):
        # Returns the connection to the pool; an open transaction is rolled back.
        if not database.is_closed():
            database.close()


def _init_extensions(app: Flask) -> None:
    _compile_catalogs()
    compress.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    mail.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    from app.blueprints.auth import load_user, unauthorized

    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)


def _compile_catalogs() -> None:
    """Compile the .po catalogs when newer than their .mo (kept out of git)."""
    from app.i18n import compile_catalogs

    try:
        compile_catalogs()
    except OSError:
        # A read-only install keeps the .mo files it shipped with.
        log.warning("message catalogs not compiled: package folder not writable", exc_info=True)


def _select_locale() -> str:
    """Pick the user's chosen locale, else the browser's, else French."""
    languages = ("fr", "en")
    if not has_request_context():
        # Jobs and PDFs rendered outside a request choose with force_locale.
        return "fr"
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages, default="fr")


def _register_blueprints(app: Flask) -> None:
    from app.blueprints import account, auth, lab_clients, lab_documents, links, mailbox, space

    app.register_blueprint(auth.bp)
    app.register_blueprint(lab_documents.bp)
    app.register_blueprint(lab_clients.bp)
    app.register_blueprint(space.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(links.bp)
    if app.config["MAILBOX_ENABLED"]:
        app.register_blueprint(mailbox.bp)
    elif not app.config["MAIL_SERVER"]:
        log.warning(
            "MAIL_SERVER unset: e-mails are written to %s and not sent", app.config["MAILBOX_DIR"]
        )


def _register_error_pages(app: Flask) -> None:
    from app.blueprints.errors import register_error_handlers

    register_error_handlers(app)


class DatabaseIdConverter(IntegerConverter):
    """The `int` URL converter, bounded to the ids a BIGINT column can hold."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_DATABASE_ID)
        super().__init__(url_map, *args, **kwargs)


def _reject_nul_characters(app: Flask) -> None:
    """Reject with 400 a query string or form holding a NUL character.

    PostgreSQL refuses NUL in text and SQLite cuts the text there, so such
    input can only fail or lose data further down.
    """

    @app.before_request
    def _check_nul():
        values = list(request.args.values()) + list(request.form.values())
        if any("\x00" in value for value in values):
            log.warning("request rejected: NUL character in %s %s", request.method, request.path)
            abort(400)


def _register_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if getattr(g, "no_store", False) or current_user.is_authenticated:
            # Pages behind a login must not be served from a shared cache.
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response
