"""A real SMTP server on loopback for the e-mail tests, built on aiosmtpd."""

import email
import email.policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class _Collector:
    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(
            email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted"


class SmtpSink:
    """Receives e-mails over SMTP and keeps them as parsed messages."""

    def __init__(self, host: str, port: int):
        self.host = host
        self.port = port
        self._collector = _Collector()
        self._controller = Controller(self._collector, hostname=host, port=port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        return self._collector.messages

    @property
    def envelopes(self):
        return self._collector.envelopes
