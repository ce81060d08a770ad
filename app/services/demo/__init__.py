"""Demo data: French dental labs with years of documents, users and publication history.

The generator is deterministic: the same seed, sizes and `today` give the
same rows. Everyone it creates with a password logs in with DEMO_PASSWORD.
`flask demo load` and `make run` use the default sizes; the benchmarks pass
larger ones (see `DemoSizes`), which switch to bulk inserts.
"""

import logging
import random
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock_time

from app.database import database
from app.models import Lab, User, utcnow
from app.services.accounts import hash_password
from app.services.demo import data
from app.services.demo.activity import ActivityPlanner, history_start
from app.services.demo.directory import (
    LabSetup,
    UserBook,
    create_catalogue,
    create_clients,
    create_lab,
)
from app.services.demo.writers import BulkWriter, ServiceWriter

log = logging.getLogger("labolien.demo")

DEMO_PASSWORD = "labolien-demo"
DEFAULT_SEED = 2024

# Above this many expected documents, load_demo picks the bulk writer unless `bulk` is given.
BULK_THRESHOLD = 20_000

# A group of three members and the shared practice come first, then at least one independent.
MIN_CLIENTS_PER_LAB = 5


@dataclass(frozen=True)
class DemoSizes:
    """How much demo data to generate."""

    labs: int = 2
    clients_per_lab: int = 30
    years: int = 3
    # An average: monthly invoices and the case documents (quotes, try-in
    # notes, delivery notes, certificates...) make up this count.
    documents_per_client_per_year: int = 40
    # Average lines of a case document; an invoice gathers the lines of the
    # month's delivery notes, so it has many more.
    lines_per_document: int = 2

    def validate(self) -> None:
        """Raise ValueError naming the first size out of range."""
        if not 1 <= self.labs <= len(data.LABS):
            raise ValueError(f"labs must be between 1 and {len(data.LABS)}, not {self.labs}")
        if self.clients_per_lab < MIN_CLIENTS_PER_LAB:
            raise ValueError(
                f"clients per lab must be at least {MIN_CLIENTS_PER_LAB}, "
                f"not {self.clients_per_lab}"
            )
        if not 1 <= self.years <= 20:
            raise ValueError(f"years must be between 1 and 20, not {self.years}")
        if self.documents_per_client_per_year < 1:
            raise ValueError("documents per client per year must be at least 1")
        if self.lines_per_document < 1:
            raise ValueError("lines per document must be at least 1")

    @property
    def expected_documents(self) -> int:
        """Return the approximate number of documents these sizes give."""
        return self.labs * self.clients_per_lab * self.years * self.documents_per_client_per_year


@dataclass
class DemoSummary:
    """Ids and counts of what one load created."""

    lab_ids: list[int] = field(default_factory=list)
    users: int = 0
    spaces: int = 0
    bulk: bool = False
    seconds: float = 0.0
    # Documents per kind, and « lines », « payments », « publication events »...
    counts: Counter = field(default_factory=Counter)

    @property
    def documents(self) -> int:
        from app.models import DocumentKind

        return sum(self.counts[kind] for kind in DocumentKind.ALL)


def has_labs() -> bool:
    """Tell whether the database contains at least one lab."""
    return Lab.select().exists()


def load_demo(
    sizes: DemoSizes | None = None,
    *,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    bulk: bool | None = None,
) -> DemoSummary:
    """Create the demo labs, directories, users and documents up to `today`.

    Raises ValueError for sizes out of range. Call it inside a database
    connection; each lab's directory and each chunk of documents is its own
    transaction.
    """
    sizes = sizes or DemoSizes()
    sizes.validate()
    today = today or date.today()
    now = min(utcnow(), datetime.combine(today, clock_time(18, 0)))
    if bulk is None:
        bulk = sizes.expected_documents > BULK_THRESHOLD
    started = time.monotonic()
    summary = DemoSummary(bulk=bulk)
    book = UserBook(password_hash=hash_password(DEMO_PASSWORD))
    log.info(
        "demo: loading %s lab(s), %s clients each, %s year(s), about %s documents (%s writer)",
        sizes.labs,
        sizes.clients_per_lab,
        sizes.years,
        sizes.expected_documents,
        "bulk" if bulk else "service",
    )

    with _documents_log_quiet():
        for index, spec in enumerate(data.LABS[: sizes.labs]):
            setup = _create_directory(index, spec, random.Random(seed * 100 + index), sizes, book)
            summary.lab_ids.append(setup.lab.id)
            summary.spaces += setup.spaces
            _write_activity(setup, sizes, seed, today, now, bulk, summary)

    summary.users = len(book.by_email)
    summary.seconds = time.monotonic() - started
    log.info(
        "demo: %s document(s), %s line(s) and %s user(s) created in %.1f s",
        summary.documents,
        summary.counts["lines"],
        summary.users,
        summary.seconds,
    )
    return summary


def _create_directory(index, spec, rng, sizes, book) -> LabSetup:
    with database.atomic():
        lab, staff_ids = create_lab(spec, rng, book)
        articles = create_catalogue(lab, spec)
        clients, users, spaces = create_clients(
            lab, spec, rng, sizes.clients_per_lab, book, with_shared_practice=True
        )
    log.info("demo: lab %s (%s) created with %s clients", lab.id, lab.name, len(clients))
    return LabSetup(index, lab, staff_ids, articles, clients, users=users, spaces=spaces)


def _write_activity(setup, sizes, seed, today, now, bulk, summary) -> None:
    """Plan one lab's history and write it, chunk by chunk."""
    planner = ActivityPlanner(
        setup,
        # A generator of its own, so a lab's history does not depend on the
        # directory's draws.
        random.Random(seed * 100 + 50 + setup.index),
        history_start(today, sizes.years),
        today,
        now,
        sizes.documents_per_client_per_year,
        sizes.lines_per_document,
    )
    writer = BulkWriter(setup.lab, 2000) if bulk else ServiceWriter(setup.lab, 500)
    progress_step = 20_000
    next_progress = progress_step
    for written, planned in enumerate(planner.documents(), start=1):
        writer.add(planned)
        if written >= next_progress:
            log.info("demo: lab %s, %s documents planned so far", setup.lab.id, written)
            next_progress += progress_step
    writer.flush()
    summary.counts.update(writer.counts)


@contextmanager
def _documents_log_quiet():
    """Silence the one-line-per-document INFO log of `issue_document` during a load."""
    logger = logging.getLogger("labolien.documents")
    previous = logger.level
    logger.setLevel(max(logging.WARNING, previous))
    try:
        yield
    finally:
        logger.setLevel(previous)


def demo_logins(labs: int = len(data.LABS)) -> list[tuple[str, str]]:
    """Return (who, e-mail address) for the demo accounts worth trying first."""
    first = data.LABS[0]
    member_name, member_local = first.group_members[1]
    logins = [(f"{spec.name}: lab admin", spec.admin.email) for spec in data.LABS[:labs]]
    logins += [
        (
            "Dentist with a space at each lab" if labs > 1 else "Dentist, independent practice",
            data.SHARED_DENTIST.email,
        ),
        (f"{first.group_name}: accountant, group space", f"comptabilite@{first.group_domain}"),
        (
            f"{first.group_name}: director, group space and a member centre's space",
            f"direction@{first.group_domain}",
        ),
        (f"{member_name}: group member space", f"accueil.{member_local}@{first.group_domain}"),
    ]
    return logins


def existing_demo_logins() -> list[tuple[str, str]]:
    """Return the demo logins whose user exists with a password in this database."""
    logins = demo_logins()
    emails = {email for _, email in logins}
    present = {
        user.email
        for user in User.select(User.email).where(
            User.email.in_(sorted(emails)), User.password_hash.is_null(False)
        )
    }
    return [(who, email) for who, email in logins if email in present]
