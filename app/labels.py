"""French labels of the coded values, translated through the Babel catalogs."""

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.models import ClientKind, DocumentKind, PaymentMethod

DOCUMENT_KIND_LABELS = {
    DocumentKind.QUOTE: _l("Devis"),
    DocumentKind.TRY_IN_NOTE: _l("Bon d’essayage"),
    DocumentKind.DELIVERY_NOTE: _l("Bon de livraison"),
    DocumentKind.PROFORMA: _l("Facture pro forma"),
    DocumentKind.INVOICE: _l("Facture"),
    DocumentKind.CREDIT_NOTE: _l("Avoir"),
    DocumentKind.TRACEABILITY_CERTIFICATE: _l("Certificat de traçabilité"),
}

# Counted kinds for e-mails (« 3 bons de livraison »), each through the
# catalog's plural forms, since a kind's plural is not its label plus "s".
_KIND_COUNTS = {
    DocumentKind.QUOTE: lambda n: ngettext("%(num)d devis", "%(num)d devis", n),
    DocumentKind.TRY_IN_NOTE: lambda n: ngettext(
        "%(num)d bon d’essayage", "%(num)d bons d’essayage", n
    ),
    DocumentKind.DELIVERY_NOTE: lambda n: ngettext(
        "%(num)d bon de livraison", "%(num)d bons de livraison", n
    ),
    DocumentKind.PROFORMA: lambda n: ngettext(
        "%(num)d facture pro forma", "%(num)d factures pro forma", n
    ),
    DocumentKind.INVOICE: lambda n: ngettext("%(num)d facture", "%(num)d factures", n),
    DocumentKind.CREDIT_NOTE: lambda n: ngettext("%(num)d avoir", "%(num)d avoirs", n),
    DocumentKind.TRACEABILITY_CERTIFICATE: lambda n: ngettext(
        "%(num)d certificat de traçabilité", "%(num)d certificats de traçabilité", n
    ),
}


def count_of_kind(kind: str, count: int) -> str:
    """Phrase a number of documents of one kind, « 1 facture », « 2 factures »."""
    return _KIND_COUNTS[kind](count)


CLIENT_KIND_LABELS = {
    ClientKind.INDEPENDENT: _l("Indépendant"),
    ClientKind.GROUP: _l("Groupe"),
    ClientKind.GROUP_MEMBER: _l("Membre de groupe"),
}

PAYMENT_METHOD_LABELS = {
    PaymentMethod.TRANSFER: _l("Virement"),
    PaymentMethod.CHEQUE: _l("Chèque"),
    PaymentMethod.CARD: _l("Carte bancaire"),
    PaymentMethod.DIRECT_DEBIT: _l("Prélèvement"),
    PaymentMethod.CASH: _l("Espèces"),
}
