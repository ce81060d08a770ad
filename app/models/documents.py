"""Documents a lab issues to a client, their lines and the payments received."""

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from app.models.accounts import Lab, User
from app.models.base import BaseModel, MoneyField, utcnow
from app.models.catalogue import Article
from app.models.directory import Client


class DocumentKind:
    QUOTE = "quote"
    TRY_IN_NOTE = "try_in_note"
    DELIVERY_NOTE = "delivery_note"
    PROFORMA = "proforma"
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    TRACEABILITY_CERTIFICATE = "traceability_certificate"

    ALL = (
        QUOTE,
        TRY_IN_NOTE,
        DELIVERY_NOTE,
        PROFORMA,
        INVOICE,
        CREDIT_NOTE,
        TRACEABILITY_CERTIFICATE,
    )

    # Billing documents: a group member's space never shows them, since the
    # group is the one invoiced.
    FINANCIAL = frozenset({PROFORMA, INVOICE, CREDIT_NOTE})

    # Kinds usually issued without a price: a zero total there means "no
    # amount", shown as a dash rather than « 0,00 € ».
    WITHOUT_AMOUNT = frozenset({TRY_IN_NOTE, TRACEABILITY_CERTIFICATE})

    # Prefix of the document number, per kind.
    PREFIXES = {
        QUOTE: "DE",
        TRY_IN_NOTE: "BE",
        DELIVERY_NOTE: "BL",
        PROFORMA: "PF",
        INVOICE: "FA",
        CREDIT_NOTE: "AV",
        TRACEABILITY_CERTIFICATE: "CT",
    }


class DocumentSequence(BaseModel):
    """The last number issued per lab and kind, so numbers are never reused."""

    lab = ForeignKeyField(Lab, on_delete="CASCADE", backref="+")
    kind = CharField(max_length=30)
    last_value = IntegerField(default=0)

    class Meta:
        indexes = ((("lab", "kind"), True),)


class Document(BaseModel):
    lab = ForeignKeyField(Lab, backref="documents", on_delete="CASCADE")
    client = ForeignKeyField(Client, backref="documents", on_delete="RESTRICT")
    kind = CharField(max_length=30)
    number = CharField(max_length=30)
    issue_date = DateField()
    # Invoices only: issue date plus the client's payment terms.
    due_date = DateField(null=True)
    # Free text identifying the patient; never sent by e-mail nor logged.
    patient_reference = CharField(max_length=100, null=True)
    subject = CharField(max_length=200, null=True)
    notes = TextField(null=True)
    total_excl_vat = MoneyField(default=0)
    vat_amount = MoneyField(default=0)
    total_incl_vat = MoneyField(default=0)
    vat_exempt = BooleanField(default=True)
    # A credit note points to the invoice it is applied to.
    related_document = ForeignKeyField(
        "self", null=True, backref="related_documents", on_delete="RESTRICT"
    )
    is_published = BooleanField(default=False)
    published_at = DateTimeField(null=True)
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("lab", "kind", "number"), True),
            (("lab", "issue_date"), False),
            (("client", "is_published", "issue_date"), False),
        )


class DocumentLine(BaseModel):
    document = ForeignKeyField(Document, backref="lines", on_delete="CASCADE")
    position = IntegerField()
    article = ForeignKeyField(Article, null=True, on_delete="SET NULL", backref="+")
    description = CharField(max_length=300)
    # Teeth concerned, in FDI notation ("11, 21").
    teeth = CharField(max_length=100, null=True)
    quantity = IntegerField(default=1)
    unit_price = MoneyField(default=0)
    # Hundredths of a percent, as on Article.
    vat_rate = IntegerField(default=0)
    # quantity x unit price, rounded to the cent on its own line.
    total_excl_vat = MoneyField(default=0)

    class Meta:
        indexes = ((("document", "position"), True),)


class PaymentMethod:
    TRANSFER = "transfer"
    CHEQUE = "cheque"
    CARD = "card"
    DIRECT_DEBIT = "direct_debit"
    CASH = "cash"
    ALL = (TRANSFER, CHEQUE, CARD, DIRECT_DEBIT, CASH)


class Payment(BaseModel):
    """A payment received against an invoice."""

    document = ForeignKeyField(Document, backref="payments", on_delete="CASCADE")
    paid_on = DateField()
    amount = MoneyField()
    method = CharField(max_length=20, default=PaymentMethod.TRANSFER)
    reference = CharField(max_length=100, null=True)
    created_at = DateTimeField(default=utcnow)
