"""Builders of realistic rows for tests, going through the services where one exists."""

from datetime import date
from decimal import Decimal
from itertools import count

from app.models import (
    Client,
    ClientKind,
    Lab,
    LabMembership,
    LabRole,
    SpaceAccess,
    SpaceStatus,
    User,
)
from app.services.accounts import hash_password
from app.services.documents import LineInput, issue_document

PASSWORD = "correct horse battery"
_sequence = count(1)
_password_hash = None


def _hash() -> str:
    # Hashing is slow on purpose; the tests share one hash of PASSWORD.
    global _password_hash
    if _password_hash is None:
        _password_hash = hash_password(PASSWORD)
    return _password_hash


def make_lab(name: str = "Laboratoire Dentaire Test", **fields) -> Lab:
    values = {
        "name": name,
        "legal_name": f"{name} SARL",
        "siret": "12345678900012",
        "address": "12 rue des Artisans",
        "postal_code": "69003",
        "city": "Lyon",
        "phone": "04 72 00 00 00",
        "email": "contact@labo-test.localhost",
    }
    values.update(fields)
    return Lab.create(**values)


def make_user(email: str | None = None, password: bool = True, **fields) -> User:
    email = email or f"user{next(_sequence)}@example.test"
    return User.create(email=email, password_hash=_hash() if password else None, **fields)


def make_staff(lab: Lab, email: str | None = None, role: str = LabRole.ADMIN) -> User:
    user = make_user(email or f"staff{next(_sequence)}@labo.test", name="Agnès Martin")
    LabMembership.create(user=user, lab=lab, role=role)
    return user


def make_client(lab: Lab, name: str | None = None, kind: str = ClientKind.INDEPENDENT, group: Client | None = None, **fields) -> Client:
    number = next(_sequence)
    return Client.create(
        lab=lab,
        code=fields.pop("code", f"C{number:04d}"),
        name=name or f"Cabinet Dentaire n°{number}",
        kind=kind,
        group=group,
        email=fields.pop("email", f"cabinet{number}@example.test"),
        city=fields.pop("city", "Villeurbanne"),
        **fields,
    )


def grant_space(user: User, client: Client, alerts: bool = True, status: str = SpaceStatus.ACTIVE) -> SpaceAccess:
    return SpaceAccess.create(user=user, client=client, alerts_enabled=alerts, status=status)


def make_document(
    lab: Lab,
    client: Client,
    kind: str = "delivery_note",
    amount: str = "180.00",
    issue_date: date = date(2026, 11, 20),
    published: bool = False,
    patient_reference: str | None = "Patient DUPONT J.",
    **fields,
):
    lines = [
        LineInput(description="Couronne céramo-métallique", quantity=1, unit_price=Decimal(amount), teeth="26"),
    ]
    document = issue_document(lab, client, kind, lines, issue_date, patient_reference=patient_reference, **fields)
    if published:
        document.is_published = True
        document.save()
    return document


def record_enqueued(monkeypatch) -> list[int]:
    """Replace `app.jobs.enqueue_notifications` by a recorder; return the list of ids it gets.

    The views' contract is to enqueue the ids of committed outbox rows; the
    sending itself is tested with the jobs.
    """
    import app.jobs

    enqueued: list[int] = []
    monkeypatch.setattr(app.jobs, "enqueue_notifications", lambda ids: enqueued.extend(ids))
    return enqueued


def extract_pdf_text(data: bytes) -> str:
    """Return the text of every page of a PDF, as pypdf extracts it."""
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
