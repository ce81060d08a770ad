"""Sending e-mails over SMTP, or into the development mailbox folder.

When MAIL_SERVER is set, messages leave through Flask-Mail over one SMTP
connection reused for a whole batch. When it is unset, each message is
written as a .eml file into MAILBOX_DIR, which the development mailbox pages
list. Callers build the same Flask-Mail `Message` either way.
"""

import logging
import os
import re
import secrets
import smtplib
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from flask import current_app
from flask_mail import BadHeaderError, Message

from app.extensions import mail

log = logging.getLogger("labolien.mailer")

# A .eml file name: nanoseconds since the epoch, zero-padded, then a random
# part, so that sorting the names sorts the messages by writing time.
EML_NAME_PATTERN = re.compile(r"\d{20}-[0-9a-f]{8}\.eml")

# Rejections of one message after which the SMTP connection is still usable.
MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    BadHeaderError,
)


class DeliveryError(Exception):
    """A message that was not delivered.

    `connection_failed` is true when the SMTP connection could not be opened
    or broke. `permanent` is true when the server rejected the recipient for
    good (a 5xx reply), so retrying is pointless. The reason never contains
    an address.
    """

    def __init__(self, reason: str, connection_failed: bool = False, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.connection_failed = connection_failed
        self.permanent = permanent


def uses_smtp() -> bool:
    """Tell whether e-mails leave over SMTP (MAIL_SERVER set) or go to the mailbox folder."""
    return bool(current_app.config.get("MAIL_SERVER"))


@contextmanager
def open_transport() -> Iterator["SmtpTransport | MailboxTransport"]:
    """Yield the configured transport; its `send(message)` raises DeliveryError."""
    if uses_smtp():
        transport = SmtpTransport()
    else:
        transport = MailboxTransport(Path(current_app.config["MAILBOX_DIR"]))
    try:
        yield transport
    finally:
        transport.close()


class SmtpTransport:
    """One Flask-Mail SMTP connection, opened on the first message and reused.

    A connection that breaks is dropped, and the next message opens a new
    one; `connections_opened` counts them.
    """

    def __init__(self) -> None:
        self._stack: ExitStack | None = None
        self._connection = None
        self.connections_opened = 0

    def send(self, message: Message) -> None:
        """Send one message, opening the connection if needed."""
        if self._connection is None:
            self._open()
        try:
            self._connection.send(message)
        except MESSAGE_ERRORS as exc:
            raise DeliveryError(describe_error(exc), permanent=_is_permanent(exc)) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise DeliveryError(describe_error(exc), connection_failed=True) from exc

    def _open(self) -> None:
        stack = ExitStack()
        try:
            # Connection.__enter__ connects, starts TLS and logs in as configured.
            self._connection = stack.enter_context(mail.connect())
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(describe_error(exc), connection_failed=True) from exc
        self._stack = stack
        self.connections_opened += 1

    def close(self) -> None:
        """Say QUIT and close; a connection that already broke is closed quietly."""
        stack, self._stack, self._connection = self._stack, None, None
        if stack is None:
            return
        try:
            stack.close()
        except (smtplib.SMTPException, OSError) as exc:
            log.debug("SMTP connection closed with an error: %s", describe_error(exc))


class MailboxTransport:
    """Writes each message as a .eml file into the development mailbox folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: Message) -> None:
        """Write one message; the file appears whole or not at all."""
        if message.has_bad_headers():
            raise DeliveryError(describe_error(BadHeaderError()))
        if message.date is None:
            message.date = time.time()
        try:
            write_eml(self.folder, message.as_bytes())
        except OSError as exc:
            raise DeliveryError(describe_error(exc)) from exc

    def close(self) -> None:
        """Nothing to close: each file is closed once written."""


def write_eml(folder: Path, data: bytes) -> Path:
    """Write a message into `folder` under a new name, through a temporary file and a rename."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{time.time_ns():020d}-{secrets.token_hex(4)}.eml"
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def describe_error(exc: BaseException) -> str:
    """Describe a sending error without the addresses that SMTP replies often echo."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _reply in exc.recipients.values()})
        return f"SMTPRecipientsRefused: recipient refused ({', '.join(map(str, codes))})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__}: SMTP reply {exc.smtp_code}"
    if isinstance(exc, BadHeaderError):
        return "BadHeaderError: a header contains a line break"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{type(exc).__name__}: {exc.strerror}"
    return f"{type(exc).__name__}: {exc}"


def _is_permanent(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in exc.recipients.values())
    return isinstance(exc, BadHeaderError)


def mailbox_names(folder: Path) -> list[str]:
    """Return the names of the .eml files in the mailbox folder, newest first."""
    if not folder.is_dir():
        return []
    names = [entry.name for entry in os.scandir(folder) if EML_NAME_PATTERN.fullmatch(entry.name)]
    return sorted(names, reverse=True)


def mailbox_path(folder: Path, name: str) -> Path | None:
    """Return the path of a mailbox message, or None for any other name.

    Only names this module writes are accepted, and the path must resolve
    inside the folder, so a crafted name cannot reach another file.
    """
    if not EML_NAME_PATTERN.fullmatch(name):
        return None
    root = folder.resolve()
    path = (root / name).resolve()
    if path.parent != root or not path.is_file():
        return None
    return path


def read_eml(path: Path, headers_only: bool = False) -> EmailMessage:
    """Parse a .eml file into an EmailMessage."""
    with path.open("rb") as file:
        return BytesParser(policy=policy.default).parse(file, headersonly=headers_only)
