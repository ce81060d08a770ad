"""The day-by-day activity of a demo lab, planned as documents in issue-date order.

A case (one prosthesis for one patient) may start with a quote, goes
through a try-in now and then, and ends with a delivery note and its
traceability certificate. On the last working day of each month, every
invoiced client gets one invoice with the lines of the month's delivery
notes. A group is invoiced for its members' work. Credit notes, payments and
publication history follow from those invoices and documents.

Planning needs no database: the writers turn the plan into rows. Only one
month or so of future events is held at a time, so memory stays bounded
whatever the history's length.
"""

import calendar
import heapq
import itertools
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from app.models import DocumentKind, PaymentMethod, PublicationAction
from app.services.demo import data
from app.services.demo.directory import DemoArticle, DemoClient, LabSetup
from app.services.documents import LineInput, line_total, line_vat

WORKING_DAYS_PER_YEAR = 252

# Chance that a case starts with a quote, a pro forma or a try-in, by family.
QUOTE_CHANCE = {
    "Prothèse fixe": 0.3,
    "Prothèse amovible": 0.4,
    "Implantologie": 0.7,
    "Orthodontie": 0.25,
}
PROFORMA_CHANCE = {
    "Prothèse fixe": 0.02,
    "Prothèse amovible": 0.02,
    "Implantologie": 0.12,
    "Orthodontie": 0.01,
}
TRY_IN_CHANCE = {
    "Prothèse fixe": 0.15,
    "Prothèse amovible": 0.7,
    "Implantologie": 0.6,
    "Orthodontie": 0.1,
}
# Chance that a delivered case comes back for a retouche, on a second delivery note.
RETOUCHE_CHANCE = 0.05


def _documents_per_case() -> float:
    """Return the documents one case yields on average with the chances above (about 2.77)."""
    total_weight = sum(weight for _, weight, _ in data.CASE_FAMILIES)
    optional = sum(
        weight * (QUOTE_CHANCE[family] + PROFORMA_CHANCE[family] + TRY_IN_CHANCE[family])
        for family, weight, _ in data.CASE_FAMILIES
    )
    # Every case ends with a delivery note and a certificate, and some with a retouche.
    return optional / total_weight + 2 + RETOUCHE_CHANCE


DOCUMENTS_PER_CASE = _documents_per_case()

# Chance that the lab never publishes a document of this kind in the spaces.
UNPUBLISHED_CHANCE = {DocumentKind.QUOTE: 0.25, DocumentKind.TRY_IN_NOTE: 0.4}
DEFAULT_UNPUBLISHED_CHANCE = 0.03
WITHDRAWN_CHANCE = 0.015
CREDIT_NOTE_CHANCE = 0.04

PAYMENT_METHODS = (
    (PaymentMethod.TRANSFER, 55),
    (PaymentMethod.CHEQUE, 20),
    (PaymentMethod.DIRECT_DEBIT, 20),
    (PaymentMethod.CARD, 5),
)


@dataclass(frozen=True)
class PlannedPayment:
    paid_on: date
    amount: Decimal
    method: str
    reference: str


@dataclass(frozen=True)
class PlannedEvent:
    """A publish or unpublish of the document, at a UTC time."""

    action: str
    at: datetime
    comment: str | None = None


@dataclass(slots=True)
class PlannedDocument:
    """One document to issue, with what happens to it afterwards."""

    key: int
    client: DemoClient
    kind: str
    issue_date: date
    lines: list[LineInput]
    patient_reference: str | None
    subject: str
    created_by_id: int
    # The key of the invoice a credit note is applied to.
    related_key: int | None = None
    # Whether a later document refers to this one, so its id must be kept.
    referenced: bool = False
    events: list[PlannedEvent] = field(default_factory=list)
    payments: list[PlannedPayment] = field(default_factory=list)


def month_start(day: date) -> date:
    return day.replace(day=1)


def history_start(today: date, years: int) -> date:
    """Return the first day of the month `years` years before today's month."""
    return date(today.year - years, today.month, 1)


def add_working_days(day: date, count: int) -> date:
    """Return the day `count` working days (Monday to Friday) after `day`."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def last_working_day(year: int, month: int) -> date:
    day = date(year, month, calendar.monthrange(year, month)[1])
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def cases_per_client_per_year(documents_per_client_per_year: int) -> float:
    """Return the case rate that yields about the requested documents per client and year.

    Twelve monthly invoices come on top of the case documents for each
    invoiced client.
    """
    return max(0.5, (documents_per_client_per_year - 12) / DOCUMENTS_PER_CASE)


class ActivityPlanner:
    """Plans the documents of one lab from `start` to `today`, in issue-date order."""

    def __init__(
        self,
        setup: LabSetup,
        rng: random.Random,
        start: date,
        today: date,
        now: datetime,
        documents_per_client_per_year: int,
        lines_per_document: int,
    ):
        self.setup = setup
        self.rng = rng
        self.start = start
        self.today = today
        self.now = now
        self.max_lines = max(1, 2 * lines_per_document - 1)
        self._keys = itertools.count(1)
        self._pending: list[tuple[date, int, PlannedDocument]] = []
        # Lines of the month's delivery notes, per invoiced client.
        self._to_invoice: dict[int, list[LineInput]] = defaultdict(list)
        self._by_id = {client.id: client for client in setup.clients}
        self._articles_by_id = {article.id: article for article in setup.articles.values()}

        senders = [client for client in setup.clients if client.activity > 0]
        mean_activity = sum(client.activity for client in senders) / max(1, len(senders))
        yearly_cases = cases_per_client_per_year(documents_per_client_per_year)
        # Groups send no work themselves, so the others carry the whole rate.
        scale = len(setup.clients) / max(1, len(senders))
        self._daily_rates = [
            (client, yearly_cases * scale * client.activity / mean_activity / WORKING_DAYS_PER_YEAR)
            for client in senders
        ]
        methods, weights = zip(*PAYMENT_METHODS, strict=True)
        self._usual_method = {
            client.id: rng.choices(methods, weights)[0] for client in setup.clients
        }
        self._families = [(name, weight, codes) for name, weight, codes in data.CASE_FAMILIES]

    def documents(self) -> Iterator[PlannedDocument]:
        """Yield every planned document, by issue date, up to today."""
        day = self.start
        while day <= self.today:
            if day.weekday() < 5:
                self._open_cases(day)
                yield from self._due_on(day)
                if day == last_working_day(day.year, day.month):
                    yield from self._invoices(day)
            day += timedelta(days=1)

    # Cases

    def _open_cases(self, day: date) -> None:
        for client, rate in self._daily_rates:
            # More than one case a day is possible for a busy practice.
            cases = int(rate) + (1 if self.rng.random() < rate - int(rate) else 0)
            for _ in range(cases):
                self._plan_case(client, day)

    def _plan_case(self, client: DemoClient, day: date) -> None:
        names, weights, codes = zip(*self._families, strict=True)
        index = self.rng.choices(range(len(names)), weights)[0]
        family, main_codes = names[index], codes[index]
        patient = f"Patient {self.rng.choice(data.INITIALS)}. {self.rng.choice(data.INITIALS)}."
        lines = self._case_lines(family, main_codes)
        main_name = lines[0].description

        work_starts = day
        if self.rng.random() < QUOTE_CHANCE[family]:
            self._push(day, client, DocumentKind.QUOTE, lines, patient, f"Devis – {main_name}")
            work_starts = add_working_days(day, self.rng.randint(3, 10))
        if self.rng.random() < PROFORMA_CHANCE[family]:
            self._push(
                work_starts,
                client,
                DocumentKind.PROFORMA,
                lines,
                patient,
                f"Pro forma – {main_name}",
            )
        delivery = add_working_days(work_starts, self.rng.randint(6, 12))
        if self.rng.random() < TRY_IN_CHANCE[family]:
            try_in = add_working_days(work_starts, self.rng.randint(3, 5))
            self._push(
                try_in,
                client,
                DocumentKind.TRY_IN_NOTE,
                self._try_in_lines(lines),
                patient,
                f"Essayage – {main_name}",
            )
            delivery = add_working_days(try_in, self.rng.randint(3, 6))

        delivery_lines = list(lines)
        if client.remote:
            delivery_lines.append(self._line(self._article("DI-POR")))
        self._push(delivery, client, DocumentKind.DELIVERY_NOTE, delivery_lines, patient, main_name)
        self._push(
            delivery,
            client,
            DocumentKind.TRACEABILITY_CERTIFICATE,
            self._certificate_lines(lines, delivery),
            patient,
            "Déclaration de conformité – dispositif médical sur mesure",
        )
        if self.rng.random() < RETOUCHE_CHANCE:
            retouche = self._line(self._article("DI-RET"), teeth=lines[0].teeth)
            if self.rng.random() < 0.5:
                retouche = LineInput(
                    "Retouche sous garantie",
                    1,
                    Decimal("0.00"),
                    article_id=retouche.article_id,
                    teeth=retouche.teeth,
                )
            self._push(
                add_working_days(delivery, self.rng.randint(5, 15)),
                client,
                DocumentKind.DELIVERY_NOTE,
                [retouche],
                patient,
                f"Retouche – {main_name}",
            )

    def _case_lines(self, family: str, main_codes: tuple[str, ...]) -> list[LineInput]:
        count = self.rng.randint(1, self.max_lines)
        main = self._article(self.rng.choice(main_codes))
        lines = [self._line(main)]
        family_codes = [code for code in main_codes if code != main.code] or [main.code]
        for _ in range(count - 1):
            lines.append(self._line(self._article(self.rng.choice(family_codes))))
        if self.rng.random() < 0.04:
            lines.append(self._line(self._article("DI-URG")))
        if family == "Prothèse fixe" and self.rng.random() < 0.05:
            lines.append(self._line(self._article("DI-TEI")))
        if family in ("Prothèse amovible", "Orthodontie") and self.rng.random() < 0.25:
            lines.append(self._line(self._article("DI-BOI")))
        return lines

    def _try_in_lines(self, lines: list[LineInput]) -> list[LineInput]:
        """List the devices tried in, at no charge: the case's first three made items."""
        devices = [line for line in lines if self._is_device(line)] or lines[:1]
        return [
            LineInput(
                f"Essayage – {line.description}",
                1,
                Decimal("0.00"),
                article_id=line.article_id,
                teeth=line.teeth,
            )
            for line in devices[:3]
        ]

    def _is_device(self, line: LineInput) -> bool:
        article = self._articles_by_id.get(line.article_id)
        return article is not None and bool(article.materials)

    def _certificate_lines(self, lines: list[LineInput], delivery: date) -> list[LineInput]:
        """List the materials of each device with a made-up lot number, at no charge."""
        result = []
        for line in lines:
            article = self._articles_by_id.get(line.article_id)
            for material in article.materials if article else ():
                # A lot made one to twelve months before the delivery: « Z2503-0417 ».
                made = month_start(delivery) - timedelta(days=self.rng.randint(1, 330))
                lot = f"{material[0]}{made:%y%m}-{self.rng.randint(1, 9999):04d}"
                result.append(
                    LineInput(
                        f"{material} – lot {lot}",
                        1,
                        Decimal("0.00"),
                        article_id=line.article_id,
                        teeth=line.teeth,
                    )
                )
        return result or [LineInput("Dispositif médical sur mesure, conforme", 1, Decimal("0.00"))]

    def _article(self, code: str) -> DemoArticle:
        return self.setup.articles[code]

    def _line(self, article: DemoArticle, teeth: str | None = None) -> LineInput:
        quantity = 1
        description = article.name
        if teeth is None:
            teeth = self._teeth(article.teeth)
        if article.teeth == data.Teeth.SPAN:
            quantity = 3
        elif article.teeth == data.Teeth.ARCH:
            description = f"{article.name} – {self.rng.choice(data.ARCHES)}"
            teeth = None
        return LineInput(
            description,
            quantity,
            article.unit_price,
            article.vat_rate,
            article_id=article.id,
            teeth=teeth,
        )

    def _teeth(self, mode: str) -> str | None:
        """Draw teeth in FDI notation: quadrant 1 to 4, then tooth 1 to 8."""
        quadrant = self.rng.randint(1, 4)
        if mode == data.Teeth.ONE:
            return str(quadrant * 10 + self.rng.randint(1, 7))
        if mode == data.Teeth.SPAN:
            first = self.rng.randint(3, 5)
            return ", ".join(str(quadrant * 10 + tooth) for tooth in range(first, first + 3))
        if mode == data.Teeth.SEVERAL:
            teeth = sorted(self.rng.sample(range(1, 8), self.rng.randint(2, 4)))
            return ", ".join(str(quadrant * 10 + tooth) for tooth in teeth)
        return None

    # Scheduling

    def _push(self, day, client, kind, lines, patient, subject) -> PlannedDocument:
        document = PlannedDocument(
            key=next(self._keys),
            client=client,
            kind=kind,
            issue_date=day,
            lines=lines,
            patient_reference=patient,
            subject=subject[:200],
            created_by_id=self.rng.choice(self.setup.staff_ids),
        )
        heapq.heappush(self._pending, (day, document.key, document))
        return document

    def _due_on(self, day: date) -> Iterator[PlannedDocument]:
        while self._pending and self._pending[0][0] <= day:
            _, _, document = heapq.heappop(self._pending)
            if document.kind == DocumentKind.DELIVERY_NOTE:
                self._to_invoice[document.client.billing_id].extend(
                    LineInput(
                        f"{line.description} – BL du {document.issue_date:%d/%m/%Y}",
                        line.quantity,
                        line.unit_price,
                        line.vat_rate,
                        article_id=line.article_id,
                        teeth=line.teeth,
                    )
                    for line in document.lines
                )
            document.events = self._publication(document.kind, document.issue_date)
            yield document

    # Invoicing

    def _invoices(self, day: date) -> Iterator[PlannedDocument]:
        month = f"{data.MONTH_NAMES[day.month - 1]} {day.year}"
        for client_id in sorted(self._to_invoice):
            lines = self._to_invoice[client_id]
            invoice = PlannedDocument(
                key=next(self._keys),
                client=self._by_id[client_id],
                kind=DocumentKind.INVOICE,
                issue_date=day,
                lines=lines,
                patient_reference=None,
                subject=f"Relevé des prothèses livrées en {month}",
                created_by_id=self.rng.choice(self.setup.staff_ids),
            )
            invoice.events = self._publication(DocumentKind.INVOICE, day)
            credited = self._maybe_credit_note(invoice)
            invoice.payments = self._payments(invoice, credited)
            yield invoice
        self._to_invoice.clear()

    def _maybe_credit_note(self, invoice: PlannedDocument) -> Decimal:
        """Schedule a credit note on some invoices; return its total incl. VAT, or 0."""
        charged = [line for line in invoice.lines if line.unit_price > 0 and line.vat_rate == 0]
        if not charged or self.rng.random() >= CREDIT_NOTE_CHANCE:
            return Decimal("0.00")

        reason = self.rng.choice(data.CREDIT_REASONS)
        if reason.startswith("Remise"):
            base = sum((line_total(line.quantity, line.unit_price) for line in charged), Decimal(0))
            amount = (base * Decimal(self.rng.choice((5, 8, 10))) / 100).quantize(Decimal("0.01"))
            line = LineInput(reason, 1, amount)
        else:
            credited = self.rng.choice(charged)
            amount = line_total(credited.quantity, credited.unit_price)
            line = LineInput(
                f"{reason} : {credited.description}",
                1,
                amount,
                article_id=credited.article_id,
                teeth=credited.teeth,
            )
        credit_note = self._push(
            add_working_days(invoice.issue_date, self.rng.randint(2, 8)),
            invoice.client,
            DocumentKind.CREDIT_NOTE,
            [line],
            None,
            f"Avoir sur le {invoice.subject[0].lower()}{invoice.subject[1:]}",
        )
        credit_note.related_key = invoice.key
        invoice.referenced = True
        return line_total(line.quantity, line.unit_price)

    def _payments(self, invoice: PlannedDocument, credited: Decimal) -> list[PlannedPayment]:
        """Plan the payments received by today: most in full, some in two parts, some never."""
        due = self._total_incl_vat(invoice.lines) - credited
        if due <= 0:
            return []
        unpaid_chance = 0.45 if invoice.client.late_payer else 0.03
        if self.rng.random() < unpaid_chance:
            return []

        terms = invoice.client.payment_terms_days
        first_day = invoice.issue_date + timedelta(days=max(3, terms + self.rng.randint(-12, 15)))
        parts = [due]
        if self.rng.random() < 0.08:
            first = (due / 2).quantize(Decimal("0.01"))
            parts = [first, due - first]
        payments = []
        for position, amount in enumerate(parts):
            paid_on = first_day + timedelta(days=30 * position)
            if paid_on > self.today:
                break
            method = self._usual_method[invoice.client.id]
            payments.append(
                PlannedPayment(paid_on, amount, method, self._reference(method, paid_on))
            )
        return payments

    def _reference(self, method: str, paid_on: date) -> str:
        if method == PaymentMethod.CHEQUE:
            return f"Chèque n° {self.rng.randint(1000000, 9999999)}"
        if method == PaymentMethod.DIRECT_DEBIT:
            return f"Prélèvement SEPA du {paid_on:%d/%m/%Y}"
        if method == PaymentMethod.CARD:
            return f"Carte bancaire, autorisation {self.rng.randint(100000, 999999)}"
        return f"Virement reçu le {paid_on:%d/%m/%Y}"

    @staticmethod
    def _total_incl_vat(lines: list[LineInput]) -> Decimal:
        total = Decimal("0.00")
        for line in lines:
            excl_vat = line_total(line.quantity, line.unit_price)
            total += excl_vat + line_vat(excl_vat, line.vat_rate)
        return total

    # Publication

    def _publication(self, kind: str, issue_date: date) -> list[PlannedEvent]:
        """Plan when the lab published (and maybe withdrew) a document, up to now."""
        recent = issue_date >= self.today - timedelta(days=2)
        unpublished_chance = UNPUBLISHED_CHANCE.get(kind, DEFAULT_UNPUBLISHED_CHANCE)
        if recent:
            # The lab has not yet published most of the last two days' documents.
            unpublished_chance = max(unpublished_chance, 0.6)
        if self.rng.random() < unpublished_chance:
            return []

        published = datetime.combine(
            issue_date, time(self.rng.randint(13, 16), self.rng.randint(0, 59))
        )
        events = [PlannedEvent(PublicationAction.PUBLISHED, min(published, self.now))]
        if kind in DocumentKind.FINANCIAL or self.rng.random() >= WITHDRAWN_CHANCE:
            return events

        withdrawn = published + timedelta(days=self.rng.randint(1, 6), hours=1)
        if withdrawn > self.now:
            return events
        events.append(
            PlannedEvent(
                PublicationAction.UNPUBLISHED, withdrawn, self.rng.choice(data.UNPUBLISH_COMMENTS)
            )
        )
        republished = withdrawn + timedelta(days=self.rng.randint(1, 3))
        if self.rng.random() < 0.5 and republished <= self.now:
            events.append(PlannedEvent(PublicationAction.PUBLISHED, republished))
        return events
