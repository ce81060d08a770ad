"""The development mailbox: e-mails written as .eml files when no SMTP server is set."""

from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

import pytest

from app.jobs import enqueue_notifications
from app.services.mailer import EML_NAME_PATTERN, mailbox_names, write_eml
from app.services.publication import publish_documents
from tests.factories import grant_space, make_client, make_document, make_lab, make_staff, make_user


def write_message(
    app, subject: str, to: str = "dentiste@example.test", text: str = "Bonjour", html: bool = True
) -> str:
    """Write a .eml with a text part, and an HTML part unless `html` is false; return its name."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = "Labolien <ne-pas-repondre@labolien.localhost>"
    message["To"] = to
    message["Date"] = formatdate(localtime=True)
    message.set_content(text)
    if html:
        message.add_alternative(
            f"<html><head></head><body><p>{text}</p></body></html>", subtype="html"
        )
    return write_eml(Path(app.config["MAILBOX_DIR"]), message.as_bytes()).name


@pytest.fixture
def published(app, run_jobs):
    """One document published to one user, its e-mail written to the mailbox."""
    lab = make_lab("Laboratoire Dentaire Rhône")
    client = make_client(lab, name="Cabinet du Parc")
    grant_space(make_user("dentiste@example.test"), client)
    result = publish_documents(lab.id, [make_document(lab, client).id], make_staff(lab).id)
    enqueue_notifications(result.notification_ids)
    run_jobs()
    return mailbox_names(Path(app.config["MAILBOX_DIR"]))[0]


def test_job_writes_eml_file(app, published):
    path = Path(app.config["MAILBOX_DIR"]) / published

    assert EML_NAME_PATTERN.fullmatch(published)
    assert b"multipart/alternative" in path.read_bytes()


def test_no_temporary_file_left(app, published):
    names = [path.name for path in Path(app.config["MAILBOX_DIR"]).iterdir()]

    assert names == [published]


def test_index_lists_message(client, published):
    response = client.get("/dev/boite-mail/")

    assert response.status_code == 200
    assert "Laboratoire Dentaire Rhône a publié 1 bon de livraison" in response.text
    assert "dentiste@example.test" in response.text
    assert f'href="/dev/boite-mail/{published}"' in response.text


def test_index_needs_no_login(client, app):
    response = client.get("/dev/boite-mail/")

    assert response.status_code == 200
    assert "Aucun e-mail pour le moment." in response.text


def test_index_newest_first(app, client):
    write_message(app, "Premier message")
    write_message(app, "Second message")

    text = client.get("/dev/boite-mail/").text

    assert text.index("Second message") < text.index("Premier message")


def test_index_escapes_subject(app, client):
    write_message(app, "<script>alert(1)</script>")

    text = client.get("/dev/boite-mail/").text

    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;" in text


def test_index_pages(app, client):
    for number in range(51):
        write_message(app, f"Message {number:02d}")

    first = client.get("/dev/boite-mail/").text
    second = client.get("/dev/boite-mail/?page=2").text

    assert "Message 50" in first
    assert "Message 00" not in first
    assert "Message 00" in second


def test_message_page_links_urls(client, published):
    response = client.get(f"/dev/boite-mail/{published}")

    assert response.status_code == 200
    assert '<a href="http://127.0.0.1:5000/n/' in response.text
    assert f'src="/dev/boite-mail/{published}/html"' in response.text
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in response.text


def test_message_page_escapes_text(app, client):
    name = write_message(app, "Test", text="<b>gras</b> http://127.0.0.1:5000/a?b=<c>")

    text = client.get(f"/dev/boite-mail/{name}").text

    assert "<b>gras</b>" not in text
    assert '<a href="http://127.0.0.1:5000/a?b=">' in text


def test_html_part_is_sandboxed(client, published):
    response = client.get(f"/dev/boite-mail/{published}/html")

    policy = response.headers["Content-Security-Policy"]
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert policy.startswith("sandbox ")
    assert "default-src 'none'" in policy
    assert "allow-scripts" not in policy
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert '<base target="_blank">' in response.text


def test_text_only_message_has_no_frame(app, client):
    name = write_message(app, "Texte seul", html=False)

    page = client.get(f"/dev/boite-mail/{name}")
    frame = client.get(f"/dev/boite-mail/{name}/html")

    assert page.status_code == 200
    assert "<iframe" not in page.text
    assert frame.status_code == 404


def test_raw_download(app, client, published):
    response = client.get(f"/dev/boite-mail/{published}/telecharger")

    assert response.status_code == 200
    assert response.mimetype == "message/rfc822"
    assert response.headers["Content-Disposition"] == f"attachment; filename={published}"
    assert response.data == (Path(app.config["MAILBOX_DIR"]) / published).read_bytes()


def test_pages_not_cached(client, published):
    response = client.get(f"/dev/boite-mail/{published}")

    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "name",
    [
        "secret_key",
        "..%2Fsecret_key",
        "%2E%2E",
        "00000000000000000000-deadbeef.eml",
        "00000000000000000000-DEADBEEF.eml",
        ".00000000000000000000-deadbeef.tmp",
    ],
)
@pytest.mark.parametrize("suffix", ["", "/html", "/telecharger"])
def test_unknown_names_answer_404(app, client, name, suffix):
    (Path(app.instance_path) / "secret_key").write_text("not for the mailbox")

    response = client.get(f"/dev/boite-mail/{name}{suffix}")

    assert response.status_code == 404


def test_symlink_out_of_folder_answers_404(app, client):
    folder = Path(app.config["MAILBOX_DIR"])
    folder.mkdir(parents=True)
    secret = Path(app.instance_path) / "secret_key"
    secret.write_text("not for the mailbox")
    name = "00000000000000000001-0123abcd.eml"
    (folder / name).symlink_to(secret)

    response = client.get(f"/dev/boite-mail/{name}/telecharger")

    assert response.status_code == 404


def test_mailbox_absent_with_smtp(smtp_config, app, client):
    response = client.get("/dev/boite-mail/")

    assert response.status_code == 404
    assert "mailbox" not in app.blueprints
