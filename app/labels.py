"""French labels of the coded values, translated through the Babel catalogs."""

from flask_babel import lazy_gettext as _l

from app.models import ClientKind, DocumentKind, PaymentMethod

DOCUMENT_KIND_LABELS = {
    DocumentKind.QUOTE: _l("Devis"),
    DocumentKind.TRY_IN_NOTE: _l("Bon d'essayage"),
    DocumentKind.DELIVERY_NOTE: _l("Bon de livraison"),
    DocumentKind.PROFORMA: _l("Facture pro forma"),
    DocumentKind.INVOICE: _l("Facture"),
    DocumentKind.CREDIT_NOTE: _l("Avoir"),
    DocumentKind.TRACEABILITY_CERTIFICATE: _l("Certificat de traçabilité"),
}

# Plural forms, for e-mails and filters ("3 bons de livraison").
DOCUMENT_KIND_PLURALS = {
    DocumentKind.QUOTE: _l("Devis"),
    DocumentKind.TRY_IN_NOTE: _l("Bons d'essayage"),
    DocumentKind.DELIVERY_NOTE: _l("Bons de livraison"),
    DocumentKind.PROFORMA: _l("Factures pro forma"),
    DocumentKind.INVOICE: _l("Factures"),
    DocumentKind.CREDIT_NOTE: _l("Avoirs"),
    DocumentKind.TRACEABILITY_CERTIFICATE: _l("Certificats de traçabilité"),
}

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
