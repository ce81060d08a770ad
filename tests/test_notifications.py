"""Notification e-mails: outbox rows sent by the RQ job over a real SMTP server on loopback.

Tests that send over SMTP list `smtp_config` before `app`, so that the app
is built pointing at the loopback server.
"""

import logging
import re
import smtplib
import socket
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from redis import Redis
from rq import Queue

from app.jobs import enqueue_notifications, send_notifications
from app.models import (
    ClientKind,
    DocumentKind,
    Notification,
    NotificationDocument,
    NotificationKind,
    NotificationStatus,
    SpaceStatus,
    utcnow,
)
from app.services.accounts import TokenPurpose, load_account_token, make_link_token
from app.services.emails import describe_documents
from app.services.notifications import NotificationDeliveryError, deliver, flush_outbox
from app.services.publication import publish_documents, unpublish_document
from tests.factories import (
    PASSWORD,
    grant_space,
    make_client,
    make_document,
    make_lab,
    make_staff,
    make_user,
)

LINK_PATTERN = re.compile(r"http://127\.0\.0\.1:5000(/n/[A-Za-z0-9_.\-]+)")


@pytest.fixture
def space():
    """A lab, its staff member, and a client space with two users getting alerts."""
    lab = make_lab("Laboratoire Dentaire Rhône")
    staff = make_staff(lab)
    client = make_client(lab, name="Cabinet du Parc")
    dentist = make_user("dentiste@example.test", name="Claire Morel")
    secretary = make_user("secretariat@example.test")
    grant_space(dentist, client)
    grant_space(secretary, client)
    return {"lab": lab, "staff": staff, "client": client, "users": [dentist, secretary]}


def publish(space, documents) -> list[int]:
    """Publish documents as the lab's staff, then enqueue the e-mails as a view does."""
    result = publish_documents(space["lab"].id, [d.id for d in documents], space["staff"].id)
    enqueue_notifications(result.notification_ids)
    return result.notification_ids


def text_part(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link_path(message) -> str:
    return LINK_PATTERN.search(text_part(message)).group(1)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_publication_emails_alert_users(smtp_config, app, run_jobs, smtp_sink, space):
    silent_user = make_user("sans-alertes@example.test")
    grant_space(silent_user, space["client"], alerts=False)
    invited = make_user("invite@example.test", password=False)
    grant_space(invited, space["client"], status=SpaceStatus.INVITED)
    document = make_document(space["lab"], space["client"])

    publish(space, [document])
    run_jobs()

    recipients = sorted(to for envelope in smtp_sink.envelopes for to in envelope.rcpt_tos)
    assert recipients == ["dentiste@example.test", "secretariat@example.test"]


def test_publication_email_content(smtp_config, app, run_jobs, smtp_sink, space):
    document = make_document(space["lab"], space["client"], amount="180.00")

    publish(space, [document])
    run_jobs()

    message = smtp_sink.messages[0]
    text, html = text_part(message), html_part(message)
    assert message["Subject"] == "Laboratoire Dentaire Rhône a publié 1 bon de livraison"
    assert "Laboratoire Dentaire Rhône" in text
    assert "Laboratoire Dentaire Rhône" in html
    assert "Cabinet du Parc" in text
    assert "1 bon de livraison" in text
    assert "1 bon de livraison" in html
    assert LINK_PATTERN.search(html)
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Reply-To"] == "contact@labo-test.localhost"


def test_publication_email_hides_amounts(smtp_config, app, run_jobs, smtp_sink, space):
    document = make_document(space["lab"], space["client"], amount="180.00")

    publish(space, [document])
    run_jobs()

    raw = smtp_sink.envelopes[0].content.decode()
    message = smtp_sink.messages[0]
    for forbidden in ("180,00", "180.00", "DUPONT", "Patient", "Couronne", document.number):
        assert forbidden not in text_part(message)
        assert forbidden not in html_part(message)
        assert forbidden not in raw


def test_publication_email_greets_by_name(smtp_config, app, run_jobs, smtp_sink, space):
    publish(space, [make_document(space["lab"], space["client"])])
    run_jobs()

    texts = {m["To"]: text_part(m) for m in smtp_sink.messages}
    assert texts["Claire Morel <dentiste@example.test>"].startswith("Bonjour Claire Morel,")
    assert texts["secretariat@example.test"].startswith("Bonjour,")


def test_single_document_link_leads_to_it(
    smtp_config, app, client, auth, run_jobs, smtp_sink, space
):
    document = make_document(space["lab"], space["client"])
    publish(space, [document])
    run_jobs()
    auth.login("dentiste@example.test")

    response = client.get(link_path(smtp_sink.messages[0]))

    assert response.status_code == 302
    assert response.headers["Location"] == (f"/espace/{space['client'].id}/documents/{document.id}")


def test_link_followed_after_login(smtp_config, app, client, run_jobs, smtp_sink, space):
    document = make_document(space["lab"], space["client"])
    publish(space, [document])
    run_jobs()

    login_page = client.get(link_path(smtp_sink.messages[0]), follow_redirects=True)
    login = client.post(
        login_page.request.full_path,
        data={"email": "dentiste@example.test", "password": PASSWORD},
        follow_redirects=True,
    )

    assert login_page.request.path == "/connexion"
    assert login.request.path == f"/espace/{space['client'].id}/documents/{document.id}"
    assert login.status_code == 200


def test_several_documents_link_to_the_list(
    smtp_config, app, client, auth, run_jobs, smtp_sink, space
):
    documents = [
        make_document(space["lab"], space["client"]),
        make_document(space["lab"], space["client"]),
        make_document(space["lab"], space["client"], kind=DocumentKind.INVOICE),
    ]
    notification_ids = publish(space, documents)
    run_jobs()
    message = next(m for m in smtp_sink.messages if "dentiste" in m["To"])
    notification = Notification.get(
        Notification.id.in_(notification_ids), Notification.user == space["users"][0].id
    )
    auth.login("dentiste@example.test")

    response = client.get(link_path(message))

    assert message["Subject"] == "Laboratoire Dentaire Rhône a publié 3 documents"
    assert "3 documents\u00a0: 2 bons de livraison, 1 facture" in text_part(message)
    assert response.headers["Location"] == (
        f"/espace/{space['client'].id}/publications/{notification.id}"
    )


def test_job_twice_sends_once(smtp_config, app, run_jobs, smtp_sink, space):
    notification_ids = publish(space, [make_document(space["lab"], space["client"])])
    run_jobs()

    sent_again = send_notifications(notification_ids)
    enqueue_notifications(notification_ids)
    run_jobs()

    assert sent_again == 0
    assert len(smtp_sink.messages) == 2


def test_rows_marked_sent(smtp_config, app, run_jobs, space):
    notification_ids = publish(space, [make_document(space["lab"], space["client"])])

    run_jobs()

    rows = list(Notification.select().where(Notification.id.in_(notification_ids)))
    assert {row.status for row in rows} == {NotificationStatus.SENT}
    assert all(row.sent_at is not None for row in rows)
    assert {row.attempts for row in rows} == {1}


def test_batch_of_101_documents_sends_two_emails(smtp_config, app, run_jobs, smtp_sink, space):
    documents = [make_document(space["lab"], space["client"]) for _ in range(101)]

    publish(space, documents)
    run_jobs()

    subjects = sorted(m["Subject"] for m in smtp_sink.messages if "dentiste" in m["To"])
    assert len(smtp_sink.messages) == 4
    assert subjects == [
        "Laboratoire Dentaire Rhône a publié 1 bon de livraison",
        "Laboratoire Dentaire Rhône a publié 100 bons de livraison",
    ]


def test_one_smtp_connection_per_job(smtp_config, app, run_jobs, smtp_sink, space, monkeypatch):
    connections = []
    original_connect = smtplib.SMTP.connect

    def counting_connect(self, *args, **kwargs):
        connections.append(args)
        return original_connect(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "connect", counting_connect)
    other = make_client(space["lab"], name="Cabinet des Lilas")
    grant_space(space["users"][0], other)
    documents = [make_document(space["lab"], space["client"]), make_document(space["lab"], other)]

    publish(space, documents)
    run_jobs()

    assert len(smtp_sink.messages) == 3
    assert len(connections) == 1


def test_unpublished_document_not_announced(
    smtp_config, app, client, auth, run_jobs, smtp_sink, space
):
    kept = make_document(space["lab"], space["client"])
    withdrawn = make_document(space["lab"], space["client"], kind=DocumentKind.INVOICE)
    publish(space, [kept, withdrawn])
    unpublish_document(space["lab"].id, withdrawn.id, space["staff"].id, "Erreur de client")

    run_jobs()
    auth.login("dentiste@example.test")
    message = next(m for m in smtp_sink.messages if "dentiste" in m["To"])
    response = client.get(link_path(message))

    assert message["Subject"] == "Laboratoire Dentaire Rhône a publié 1 bon de livraison"
    assert "facture" not in text_part(message)
    assert response.headers["Location"] == f"/espace/{space['client'].id}/documents/{kept.id}"


def test_all_unpublished_cancels(smtp_config, app, run_jobs, smtp_sink, space):
    document = make_document(space["lab"], space["client"])
    notification_ids = publish(space, [document])
    unpublish_document(space["lab"].id, document.id, space["staff"].id, "Document en double")

    run_jobs()

    statuses = {
        n.status for n in Notification.select().where(Notification.id.in_(notification_ids))
    }
    assert smtp_sink.messages == []
    assert statuses == {NotificationStatus.CANCELLED}


def test_alerts_off_before_sending_cancels(smtp_config, app, run_jobs, smtp_sink, space):
    publish(space, [make_document(space["lab"], space["client"])])
    access = space["users"][1].space_accesses.get()
    access.alerts_enabled = False
    access.save()

    run_jobs()

    assert [m["To"] for m in smtp_sink.messages] == ["Claire Morel <dentiste@example.test>"]


def test_hidden_kind_not_announced_to_member(smtp_config, app, space):
    group = make_client(space["lab"], name="Groupe Sourire", kind=ClientKind.GROUP)
    member = make_client(
        space["lab"], name="Sourire Lyon", kind=ClientKind.GROUP_MEMBER, group=group
    )
    user = make_user("membre@example.test")
    grant_space(user, member)
    invoice = make_document(space["lab"], member, kind=DocumentKind.INVOICE, published=True)
    # A row written by mistake for a space that never shows invoices.
    notification = Notification.create(
        kind=NotificationKind.PUBLICATION, user=user, lab=space["lab"], client=member
    )
    NotificationDocument.create(notification=notification, document=invoice)

    report = deliver([notification.id])

    assert report.cancelled_ids == [notification.id]


@pytest.fixture
def unreachable_smtp(app_config):
    """Point the app under test at a closed loopback port instead of an SMTP server."""
    app_config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_closed_port(), MAILBOX_ENABLED=False)
    return app_config


def test_smtp_failure_keeps_row_pending(unreachable_smtp, app, run_jobs, space, caplog):
    notification_ids = publish(space, [make_document(space["lab"], space["client"])])
    logger = logging.getLogger("labolien.notifications")
    logger.addHandler(caplog.handler)
    try:
        run_jobs()
    finally:
        logger.removeHandler(caplog.handler)

    row = Notification.get_by_id(notification_ids[0])
    queue = app.extensions["rq_queue"]
    assert row.status == NotificationStatus.PENDING
    assert row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    assert queue.failed_job_registry.count == 1
    assert f"notification {row.id} not sent" in caplog.text
    assert "@example.test" not in caplog.text


def test_smtp_failure_fails_after_max_attempts(unreachable_smtp, app, space):
    notification_ids = publish(space, [make_document(space["lab"], space["client"])])
    app.config["NOTIFICATION_RETRY_DELAY"] = 0

    for _ in range(5):
        with pytest.raises(NotificationDeliveryError):
            send_notifications(notification_ids)
    report = deliver(notification_ids)

    row = Notification.get_by_id(notification_ids[0])
    assert row.status == NotificationStatus.FAILED
    assert row.attempts == 5
    assert report.skipped == len(notification_ids)


def test_retry_waits_for_its_delay(unreachable_smtp, app, space):
    notification_ids = publish(space, [make_document(space["lab"], space["client"])])
    with pytest.raises(NotificationDeliveryError):
        send_notifications(notification_ids)

    report = deliver(notification_ids)

    assert report.skipped == len(notification_ids)
    assert Notification.get_by_id(notification_ids[0]).attempts == 1


def test_unreachable_server_tried_three_times(unreachable_smtp, app, space, monkeypatch):
    for number in range(3):
        grant_space(make_user(f"assistante{number}@example.test"), space["client"])
    notification_ids = publish(space, [make_document(space["lab"], space["client"])])
    connections = []
    original_connect = smtplib.SMTP.connect

    def counting_connect(self, *args, **kwargs):
        connections.append(args)
        return original_connect(self, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "connect", counting_connect)

    report = deliver(notification_ids)

    errors = [n.last_error for n in Notification.select().order_by(Notification.id)]
    assert len(connections) == 3
    assert sorted(report.failed_ids) == sorted(notification_ids)
    assert errors[-1] == "not tried: the SMTP server is unreachable"


def test_interrupted_run_releases_rows(smtp_config, app, space, monkeypatch):
    notification_ids = publish(space, [make_document(space["lab"], space["client"])])

    def crash(self, message):
        raise RuntimeError("simulated crash")

    monkeypatch.setattr("app.services.mailer.SmtpTransport.send", crash)
    with pytest.raises(RuntimeError):
        deliver(notification_ids)

    rows = list(Notification.select().where(Notification.id.in_(notification_ids)))
    assert {row.status for row in rows} == {NotificationStatus.PENDING}
    assert {row.last_error for row in rows} == {"interrupted before sending"}


class _RejectingHandler:
    """An SMTP server that rejects the dentist's address for good and accepts the others."""

    def __init__(self):
        self.accepted = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("dentiste@"):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.accepted.extend(envelope.rcpt_tos)
        return "250 Message accepted"


@pytest.fixture
def rejecting_smtp(app_config):
    """A real SMTP server on loopback that rejects one recipient; the app points at it."""
    handler = _RejectingHandler()
    port = _closed_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app_config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAILBOX_ENABLED=False)
    yield handler
    controller.stop()


def test_rejected_recipient_fails_at_once(rejecting_smtp, app, space):
    notification_ids = publish(space, [make_document(space["lab"], space["client"])])

    report = deliver(notification_ids)

    rejected = Notification.get(Notification.user == space["users"][0].id)
    assert rejected.status == NotificationStatus.FAILED
    assert "550" in rejected.last_error
    assert "dentiste" not in rejected.last_error
    assert rejecting_smtp.accepted == ["secretariat@example.test"]
    assert len(report.sent_ids) == 1


def test_stale_sending_row_sent_again(smtp_config, app, smtp_sink, space):
    notification_ids = publish(space, [make_document(space["lab"], space["client"])])
    Notification.update(
        status=NotificationStatus.SENDING, claimed_at=utcnow() - timedelta(minutes=20), attempts=1
    ).where(Notification.id == notification_ids[0]).execute()
    Notification.update(status=NotificationStatus.SENDING, claimed_at=utcnow(), attempts=1).where(
        Notification.id == notification_ids[1]
    ).execute()

    report = deliver(notification_ids)

    assert report.sent_ids == [notification_ids[0]]
    assert report.skipped == 1
    assert Notification.get_by_id(notification_ids[0]).attempts == 2


def test_redis_down_keeps_rows_pending(app, space):
    queue = app.extensions["rq_queue"]
    unreachable = Redis(host="127.0.0.1", port=_closed_port(), socket_connect_timeout=1)
    app.extensions["rq_queue"] = Queue(queue.name, connection=unreachable)
    try:
        notification_ids = publish(space, [make_document(space["lab"], space["client"])])
    finally:
        app.extensions["rq_queue"] = queue

    rows = list(Notification.select().where(Notification.id.in_(notification_ids)))
    assert len(rows) == 2
    assert {row.status for row in rows} == {NotificationStatus.PENDING}


def test_jobs_hold_at_most_200_ids(app, space):
    queue = app.extensions["rq_queue"]

    queued = enqueue_notifications(list(range(1, 451)))

    assert queued == 3
    assert [len(job.args[0]) for job in queue.get_jobs()] == [200, 200, 50]


def test_mailbox_file_when_no_smtp(app, run_jobs, space):
    publish(space, [make_document(space["lab"], space["client"])])

    run_jobs()

    files = sorted(Path(app.config["MAILBOX_DIR"]).glob("*.eml"))
    assert len(files) == 2
    assert b"Subject:" in files[0].read_bytes()


def test_invitation_email_link(smtp_config, app, smtp_sink, space):
    invited = make_user("nouveau@example.test", password=False)
    notification = Notification.create(
        kind=NotificationKind.INVITATION, user=invited, lab=space["lab"], client=space["client"]
    )

    deliver([notification.id])

    message = smtp_sink.messages[0]
    token = re.search(r"http://127\.0\.0\.1:5000/invitation/(\S+)", text_part(message)).group(1)
    user = load_account_token(token, TokenPurpose.INVITATION, app.config["INVITATION_MAX_AGE"])
    assert message["Subject"] == "Laboratoire Dentaire Rhône vous invite sur Labolien"
    assert "Cabinet du Parc" in html_part(message)
    assert "1\u00a0semaine" in text_part(message)
    assert user.id == invited.id


def test_space_added_email_link(smtp_config, app, smtp_sink, space):
    notification = Notification.create(
        kind=NotificationKind.SPACE_ADDED,
        user=space["users"][0],
        lab=space["lab"],
        client=space["client"],
    )

    deliver([notification.id])

    message = smtp_sink.messages[0]
    assert message["Subject"] == "Nouvel espace client sur Labolien : Cabinet du Parc"
    assert f"http://127.0.0.1:5000/espace/{space['client'].id}/" in text_part(message)


def test_password_reset_email_link(smtp_config, app, smtp_sink, space):
    user = space["users"][0]
    notification = Notification.create(kind=NotificationKind.PASSWORD_RESET, user=user)

    deliver([notification.id])

    message = smtp_sink.messages[0]
    text = text_part(message)
    token = re.search(r"http://127\.0\.0\.1:5000/mot-de-passe/(\S+)", text).group(1)
    loaded = load_account_token(token, TokenPurpose.PASSWORD_RESET, 3600)
    assert message["Subject"] == "Réinitialisation de votre mot de passe Labolien"
    assert "2\u00a0heures" in text
    assert "ignorez cet e-mail" in text
    assert loaded.id == user.id


REPLY_TO_LAB = "votre réponse parvient directement au laboratoire"
NO_REPLY = "merci de ne pas y répondre"


def send_one(space, smtp_sink, kind: str):
    """Send one e-mail of a kind to the space's first user and return the message received."""
    if kind == NotificationKind.PUBLICATION:
        ids = publish_documents(
            space["lab"].id, [make_document(space["lab"], space["client"]).id], space["staff"].id
        ).notification_ids[:1]
    else:
        ids = [
            Notification.create(
                kind=kind, user=space["users"][0], lab=space["lab"], client=space["client"]
            ).id
        ]
    deliver(ids)
    return smtp_sink.messages[0]


LAB_KINDS = [
    NotificationKind.PUBLICATION,
    NotificationKind.INVITATION,
    NotificationKind.SPACE_ADDED,
]


@pytest.mark.parametrize("kind", LAB_KINDS)
def test_lab_email_replies_reach_lab(smtp_config, app, smtp_sink, space, kind):
    message = send_one(space, smtp_sink, kind)
    assert message["Reply-To"] == "contact@labo-test.localhost"
    assert REPLY_TO_LAB in text_part(message)
    assert REPLY_TO_LAB in html_part(message)
    assert NO_REPLY not in text_part(message)
    assert NO_REPLY not in html_part(message)


@pytest.mark.parametrize("kind", LAB_KINDS)
def test_lab_without_email_says_no_reply(smtp_config, app, smtp_sink, space, kind):
    space["lab"].email = None
    space["lab"].save()
    message = send_one(space, smtp_sink, kind)
    assert message["Reply-To"] is None
    assert NO_REPLY in text_part(message)
    assert NO_REPLY in html_part(message)
    assert REPLY_TO_LAB not in text_part(message)


def test_password_reset_says_no_reply(smtp_config, app, smtp_sink, space):
    notification = Notification.create(kind=NotificationKind.PASSWORD_RESET, user=space["users"][0])

    deliver([notification.id])

    message = smtp_sink.messages[0]
    assert message["Reply-To"] is None
    assert NO_REPLY in text_part(message)
    assert NO_REPLY in html_part(message)
    assert REPLY_TO_LAB not in html_part(message)


def test_english_email_replies_reach_lab(smtp_config, app, smtp_sink, space):
    space["users"][0].locale = "en"
    space["users"][0].save()
    message = send_one(space, smtp_sink, NotificationKind.SPACE_ADDED)
    assert "directly to the lab" in text_part(message)


def test_deactivated_user_gets_nothing(smtp_config, app, smtp_sink, space):
    user = space["users"][0]
    user.is_active = False
    user.save()
    notification = Notification.create(kind=NotificationKind.PASSWORD_RESET, user=user)

    report = deliver([notification.id])

    assert report.cancelled_ids == [notification.id]
    assert smtp_sink.messages == []


def test_email_in_user_locale(smtp_config, app, smtp_sink, space):
    user = space["users"][0]
    user.locale = "en"
    user.save()
    notification = Notification.create(kind=NotificationKind.PASSWORD_RESET, user=user)

    deliver([notification.id])

    assert '<html lang="en">' in html_part(smtp_sink.messages[0])


def test_flush_command_sends_pending(smtp_config, app, smtp_sink, space):
    publish(space, [make_document(space["lab"], space["client"])])

    result = app.test_cli_runner().invoke(args=["outbox", "flush"])

    assert result.exit_code == 0
    assert "2 sent" in result.output
    assert len(smtp_sink.messages) == 2


def test_status_command_counts_rows(app, space):
    publish(space, [make_document(space["lab"], space["client"])])

    result = app.test_cli_runner().invoke(args=["outbox", "status"])

    assert result.exit_code == 0
    assert "pending: 2" in result.output
    assert "sent: 0" in result.output


def test_flush_ignores_retry_delay(smtp_config, app, smtp_sink, space):
    notification_ids = publish(space, [make_document(space["lab"], space["client"])])
    # As after a failed attempt a moment ago: the retry delay has not passed.
    Notification.update(
        attempts=1, claimed_at=utcnow(), last_error="SMTPServerDisconnected"
    ).execute()

    skipped = deliver(notification_ids)
    flushed = flush_outbox()

    assert skipped.skipped == 2
    assert sorted(flushed.sent_ids) == sorted(notification_ids)


def test_expired_link_answers_410(app, client, space):
    token = make_link_token({"c": space["client"].id, "d": 1}, TokenPurpose.NOTIFICATION)
    app.config["NOTIFICATION_LINK_MAX_AGE"] = -1

    response = client.get(f"/n/{token}")

    assert response.status_code == 410
    assert "Lien expiré" in response.text
    assert 'href="/connexion"' in response.text


def test_tampered_link_answers_404(app, client, space):
    token = make_link_token({"c": space["client"].id, "d": 1}, TokenPurpose.NOTIFICATION)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    response = client.get(f"/n/{tampered}")

    assert response.status_code == 404
    assert "Lien invalide" in response.text


def test_link_of_other_purpose_answers_404(app, client, space):
    token = make_link_token({"c": space["client"].id, "d": 1}, TokenPurpose.PASSWORD_RESET)

    response = client.get(f"/n/{token}")

    assert response.status_code == 404


def test_link_with_unknown_payload_answers_404(app, client):
    token = make_link_token({"x": 1}, TokenPurpose.NOTIFICATION)

    response = client.get(f"/n/{token}")

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"delivery_note": 1}, "1 bon de livraison"),
        ({"delivery_note": 2}, "2 bons de livraison"),
        ({"quote": 3}, "3 devis"),
        (
            {"invoice": 1, "delivery_note": 2},
            "3 documents\u00a0: 2 bons de livraison, 1 facture",
        ),
        (
            {"credit_note": 1, "proforma": 1},
            "2 documents\u00a0: 1 facture pro forma, 1 avoir",
        ),
    ],
)
def test_describe_documents(app, counts, expected):
    assert describe_documents(counts) == expected
