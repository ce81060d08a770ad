"""The development mailbox: the e-mails written as .eml files when no SMTP server is set.

Registered only when MAILBOX_ENABLED is set, which `make run` does when
MAIL_SERVER is unset. It is open without login, since it is a development
tool, so it must never be enabled on a server others can reach. Every message name is checked
against the names the mailer writes, so no other file can be read.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, g, render_template, send_file

from app.services.mailer import mailbox_names, mailbox_path, read_eml
from app.web import Pagination, parse_page

bp = Blueprint("mailbox", __name__, url_prefix="/dev/boite-mail")

MESSAGES_PER_PAGE = 50

# The HTML part is shown in a sandboxed frame: no script, no form, no
# plugin, nothing loaded from elsewhere; only its own inline styles apply.
HTML_PART_POLICY = (
    "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; "
    "style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
)

URL_PATTERN = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class MailboxEntry:
    """One line of the mailbox list."""

    name: str
    date: datetime | None
    recipient: str
    subject: str


@bp.before_request
def _no_store():
    # The messages hold live invitation and password-reset links.
    g.no_store = True


@bp.get("/")
def index():
    """List the e-mails of the mailbox folder, newest first."""
    names = mailbox_names(_folder())
    pagination = Pagination(page=parse_page(), per_page=MESSAGES_PER_PAGE, total=len(names))

    start = pagination.first_item - 1 if names else 0
    entries = [_entry(name) for name in names[start : pagination.last_item]]
    entries = [entry for entry in entries if entry is not None]
    return render_template("mailbox/index.html", entries=entries, pagination=pagination)


@bp.get("/<name>")
def message(name: str):
    """Show one e-mail: its headers, its text part with clickable links, its HTML part in a frame."""
    email = read_eml(_path_or_404(name))

    text_part = email.get_body(preferencelist=("plain",))
    text = text_part.get_content() if text_part else ""
    return render_template(
        "mailbox/message.html",
        name=name,
        email=email,
        text_segments=split_links(text),
        has_html=email.get_body(preferencelist=("html",)) is not None,
    )


@bp.get("/<name>/html")
def html_part(name: str):
    """Serve the HTML part of one e-mail for the sandboxed frame of the message page."""
    email = read_eml(_path_or_404(name))
    part = email.get_body(preferencelist=("html",))
    if part is None:
        abort(404)

    # Links open in a new tab, out of the frame (the site refuses to be framed).
    html = part.get_content().replace("<head>", '<head><base target="_blank">', 1)
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = HTML_PART_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.get("/<name>/telecharger")
def raw(name: str):
    """Download one e-mail as its .eml file."""
    path = _path_or_404(name)
    return send_file(
        path, mimetype="message/rfc822", as_attachment=True, download_name=name, max_age=0
    )


def split_links(text: str) -> list[tuple[str, bool]]:
    """Cut a text into (segment, is_link) pairs, so the template can link each http(s) URL."""
    segments = []
    position = 0
    for match in URL_PATTERN.finditer(text):
        if match.start() > position:
            segments.append((text[position : match.start()], False))
        segments.append((match.group(), True))
        position = match.end()
    if position < len(text):
        segments.append((text[position:], False))
    return segments


def _folder() -> Path:
    return Path(current_app.config["MAILBOX_DIR"])


def _path_or_404(name: str) -> Path:
    path = mailbox_path(_folder(), name)
    if path is None:
        abort(404)
    return path


def _entry(name: str) -> MailboxEntry | None:
    """Read one message's headers; None if it went away or points out of the folder."""
    path = mailbox_path(_folder(), name)
    if path is None:
        return None
    try:
        headers: EmailMessage = read_eml(path, headers_only=True)
    except FileNotFoundError:
        return None
    date = headers["Date"]
    return MailboxEntry(
        name=name,
        date=date.datetime if date is not None else None,
        recipient=str(headers["To"] or ""),
        subject=str(headers["Subject"] or ""),
    )
