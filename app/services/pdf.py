"""PDF rendering of a document with reportlab: lab header, client, lines, totals, legal mentions.

The PDF is rendered on each request from the stored rows, so it always
matches the screen. A group member's space gets it without any amount.
"""

import io
import logging
from decimal import Decimal
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.labels import DOCUMENT_KIND_LABELS
from app.models import Client, Document, DocumentKind, DocumentLine, Lab
from app.services.documents import carries_amount
from app.services.visibility import SpaceView
from app.templating import format_vat_rate, money, short_date

log = logging.getLogger("labolien.pdf")

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN

# Kinds that announce payment terms and late-payment penalties: the final
# invoice, and the pro forma that announces it.
KINDS_WITH_PAYMENT_TERMS = frozenset({DocumentKind.INVOICE, DocumentKind.PROFORMA})

# Kinds that print the lab's invoice footer, which contains bank details and
# often payment conditions: the billing documents, since a payment or a refund
# follows them.
KINDS_WITH_INVOICE_FOOTER = frozenset(
    {DocumentKind.INVOICE, DocumentKind.PROFORMA, DocumentKind.CREDIT_NOTE}
)

BASE_STYLE = ParagraphStyle("base", fontName="Helvetica", fontSize=9, leading=11.5)
STYLES = {
    "base": BASE_STYLE,
    "small": ParagraphStyle("small", parent=BASE_STYLE, fontSize=7.5, leading=9.5),
    "lab_name": ParagraphStyle(
        "lab_name", parent=BASE_STYLE, fontName="Helvetica-Bold", fontSize=14, leading=17
    ),
    "label": ParagraphStyle("label", parent=BASE_STYLE, textColor=colors.HexColor("#5b6472")),
    "title": ParagraphStyle(
        "title", parent=BASE_STYLE, fontName="Helvetica-Bold", fontSize=16, leading=20
    ),
    "cell": ParagraphStyle("cell", parent=BASE_STYLE),
    "cell_right": ParagraphStyle("cell_right", parent=BASE_STYLE, alignment=TA_RIGHT),
    "head": ParagraphStyle("head", parent=BASE_STYLE, fontName="Helvetica-Bold"),
    "head_right": ParagraphStyle(
        "head_right", parent=BASE_STYLE, fontName="Helvetica-Bold", alignment=TA_RIGHT
    ),
}

# A table cell's left plus right padding, in points: reportlab's default of 6 on each side.
CELL_PADDING = 12

LINE_COLOR = colors.HexColor("#c9cfd8")
HEADER_FILL = colors.HexColor("#eef1f5")


def pdf_text(value: object) -> str:
    """Return text that the built-in Helvetica can draw.

    Babel's French number format groups thousands with a narrow no-break
    space (U+202F), which the standard fonts' WinAnsi encoding lacks: it
    would print as a black square, so it becomes a plain no-break space.
    """
    return str(value).replace("\u202f", "\u00a0")


def pdf_money(amount: Decimal | None) -> str:
    return pdf_text(money(amount))


def _paragraph(text: str, style: str = "base") -> Paragraph:
    return Paragraph(escape(pdf_text(text)).replace("\n", "<br/>"), STYLES[style])


def kind_label(kind: str) -> str:
    """Return the label of a document kind in the current locale (« Facture »)."""
    return str(DOCUMENT_KIND_LABELS.get(kind, kind))


def pdf_filename(document: Document) -> str:
    """Return the download name of a document's PDF, « Facture FA-000012.pdf »."""
    return f"{kind_label(document.kind)} {document.number}.pdf"


def render_document_pdf(document: Document, view: SpaceView | None = None) -> bytes:
    """Render a document as an A4 PDF and return its bytes.

    `view` is the client space it is rendered for: amounts and prices
    appear only where `view.shows_amounts`. None renders the lab's own
    copy, with every amount.
    """
    shows_amounts = view is None or view.shows_amounts
    shows_amounts = shows_amounts and carries_amount(document.kind, document.total_incl_vat)
    lab = Lab.get_by_id(document.lab_id)
    client = Client.get_by_id(document.client_id)
    lines = list(
        DocumentLine.select()
        .where(DocumentLine.document == document.id)
        .order_by(DocumentLine.position)
    )
    related = None
    if document.related_document_id:
        related = Document.get_or_none(Document.id == document.related_document_id)

    story = [
        _header(lab, client),
        Spacer(1, 8 * mm),
        _paragraph(f"{kind_label(document.kind)} {document.number}", "title"),
        Spacer(1, 3 * mm),
        _facts(document, related),
        Spacer(1, 6 * mm),
        _lines_table(document, lines, shows_amounts),
    ]
    if shows_amounts:
        story += [Spacer(1, 4 * mm), _totals(document)]
    if document.notes:
        story += [Spacer(1, 5 * mm), _paragraph(document.notes)]

    mentions = legal_mentions(document, client, related, shows_amounts)
    if mentions:
        story += [Spacer(1, 6 * mm), KeepTogether([_paragraph(m, "small") for m in mentions])]
    if shows_amounts and lab.invoice_footer and document.kind in KINDS_WITH_INVOICE_FOOTER:
        story += [Spacer(1, 4 * mm), _paragraph(lab.invoice_footer, "small")]

    content = _build(story, lab, document)
    log.info("pdf rendered: document %s, amounts %s", document.id, shows_amounts)
    return content


def _build(story: list, lab: Lab, document: Document) -> bytes:
    """Lay the story out on A4 pages with the footer, and return the PDF bytes."""
    buffer = io.BytesIO()
    footer = _footer_text(lab, document)
    pdf = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{kind_label(document.kind)} {document.number}",
        author=lab.name,
        creator="Labolien",
    )
    # No frame padding, so tables and paragraphs share the same left edge.
    frame = Frame(
        MARGIN,
        MARGIN + 6 * mm,
        CONTENT_WIDTH,
        PAGE_HEIGHT - 2 * MARGIN - 6 * mm,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    pdf.addPageTemplates([PageTemplate(frames=[frame])])
    pdf.build(story, canvasmaker=_numbered_canvas(footer))
    return buffer.getvalue()


def _header(lab: Lab, client: Client) -> Table:
    """Build the two blocks at the top: the issuing lab, then the client."""
    lab_lines = [
        lab.legal_name,
        lab.address,
        f"{lab.postal_code} {lab.city}",
        _("SIRET : %(siret)s", siret=lab.siret),
    ]
    if lab.vat_number:
        lab_lines.append(_("N° de TVA intracommunautaire : %(number)s", number=lab.vat_number))
    if lab.phone:
        lab_lines.append(_("Tél. : %(phone)s", phone=lab.phone))
    if lab.email:
        lab_lines.append(_("E-mail : %(email)s", email=lab.email))
    lab_block = [_paragraph(lab.name, "lab_name"), _paragraph("\n".join(lab_lines))]

    client_lines = [client.address, " ".join(filter(None, [client.postal_code, client.city]))]
    client_block = [
        _paragraph(_("Client"), "label"),
        _paragraph(client.name, "head"),
        _paragraph("\n".join(line for line in client_lines if line)),
        _paragraph(_("Code client : %(code)s", code=client.code), "small"),
    ]
    table = Table(
        [[lab_block, client_block]], colWidths=[CONTENT_WIDTH * 0.55, CONTENT_WIDTH * 0.45]
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("BOX", (1, 0), (1, 0), 0.5, LINE_COLOR),
                ("LEFTPADDING", (1, 0), (1, 0), 8),
                ("TOPPADDING", (1, 0), (1, 0), 6),
                ("BOTTOMPADDING", (1, 0), (1, 0), 8),
            ]
        )
    )
    return table


def _facts(document: Document, related: Document | None) -> Table:
    """Build the dates and references under the title."""
    rows = [(_("Date"), short_date(document.issue_date))]
    if document.due_date:
        rows.append((_("Date d’échéance"), short_date(document.due_date)))
    if related is not None:
        rows.append((_("Document lié"), f"{kind_label(related.kind)} {related.number}"))
    if document.patient_reference:
        rows.append((_("Référence patient"), document.patient_reference))
    if document.subject:
        rows.append((_("Objet"), document.subject))

    data = [[_paragraph(label, "label"), _paragraph(value)] for label, value in rows]
    table = Table(data, colWidths=[38 * mm, CONTENT_WIDTH - 38 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _lines_table(document: Document, lines: list[DocumentLine], shows_amounts: bool) -> Table:
    """Build the table of lines, with the price columns only when amounts are shown.

    The narrow columns widen to fit their header on one line in the current
    language, and the description column takes the remaining width.
    """
    columns = [(_("Dents"), "head", 22 * mm), (_("Qté"), "head_right", 14 * mm)]
    show_vat = shows_amounts and not document.vat_exempt
    if shows_amounts:
        columns.append((_("P.U. HT"), "head_right", 24 * mm))
        if show_vat:
            columns.append((_("TVA"), "head_right", 16 * mm))
        columns.append((_("Total HT"), "head_right", 26 * mm))
    head = [_paragraph(_("Désignation"), "head")]
    head += [_paragraph(label, style) for label, style, _width in columns]
    widths = [_one_line_width(label, style, width) for label, style, width in columns]
    widths.insert(0, CONTENT_WIDTH - sum(widths))

    data = [head]
    for line in lines:
        row = [
            _paragraph(line.description, "cell"),
            _paragraph(line.teeth or "", "cell"),
            _paragraph(str(line.quantity), "cell_right"),
        ]
        if shows_amounts:
            row.append(_paragraph(pdf_money(line.unit_price), "cell_right"))
            if show_vat:
                row.append(_paragraph(format_vat_rate(line.vat_rate), "cell_right"))
            row.append(_paragraph(pdf_money(line.total_excl_vat), "cell_right"))
        data.append(row)
    if not lines:
        data.append([_paragraph(_("Aucune ligne."), "cell")] + [""] * (len(head) - 1))

    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE_COLOR),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _one_line_width(text: str, style: str, minimum: float) -> float:
    """Return a column width of at least `minimum` that fits `text` on one line."""
    font = STYLES[style]
    text_width = stringWidth(pdf_text(text), font.fontName, font.fontSize)
    # One point more than the text and the cell's padding, against rounding.
    return max(minimum, text_width + CELL_PADDING + 1)


def _totals(document: Document) -> Table:
    """Build the totals block, aligned right under the lines."""
    rows = [(_("Total HT"), document.total_excl_vat)]
    if not document.vat_exempt:
        rows.append((_("TVA"), document.vat_amount))
    rows.append((_("Total TTC"), document.total_incl_vat))

    data = [
        [_paragraph(label, "cell"), _paragraph(pdf_money(amount), "cell_right")]
        for label, amount in rows
    ]
    data[-1] = [
        _paragraph(rows[-1][0], "head"),
        _paragraph(pdf_money(rows[-1][1]), "head_right"),
    ]
    table = Table(data, colWidths=[40 * mm, 30 * mm], hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def legal_mentions(
    document: Document, client: Client, related: Document | None, shows_amounts: bool
) -> list[str]:
    """Return the legal mentions printed under a document, by kind.

    Invoices and pro formas carry the payment terms, the absence of discount,
    the late-payment penalties and the fixed recovery indemnity, as articles
    L441-9, L441-10 and D441-5 of the French Code de commerce require for
    invoices. A VAT-exempt document with amounts carries the exemption of
    article 261-4-1° of the CGI. A space without amounts gets no mention
    that contains an amount.
    """
    mentions = []
    if document.kind == DocumentKind.PROFORMA:
        mentions.append(
            _(
                "Facture pro forma : ce document n’est pas une facture. La facture définitive suivra."
            )
        )
    if document.kind == DocumentKind.CREDIT_NOTE and related is not None:
        mentions.append(
            _(
                "Avoir sur la facture %(number)s du %(date)s.",
                number=related.number,
                date=short_date(related.issue_date),
            )
        )
    if document.kind == DocumentKind.TRACEABILITY_CERTIFICATE:
        mentions.append(
            _(
                "Dispositif médical sur mesure, fabriqué pour le patient désigné et destiné "
                "à son usage exclusif."
            )
        )

    if shows_amounts and document.kind in KINDS_WITH_PAYMENT_TERMS:
        mentions.extend(_payment_mentions(document, client))
    if shows_amounts and document.vat_exempt:
        mentions.append(_("TVA non applicable — article 261-4-1° du CGI"))
    return [pdf_text(mention) for mention in mentions]


def _payment_mentions(document: Document, client: Client) -> list[str]:
    mentions = [_payment_terms(document, client)]
    mentions.append(_("Pas d’escompte pour paiement anticipé."))
    mentions.append(
        _(
            "En cas de retard de paiement, des pénalités sont exigibles au taux de trois fois "
            "le taux d’intérêt légal (article L441-10 du Code de commerce), ainsi qu’une "
            "indemnité forfaitaire pour frais de recouvrement de 40 € (article D441-5 du Code "
            "de commerce)."
        )
    )
    return mentions


def _payment_terms(document: Document, client: Client) -> str:
    """Word the payment terms: an invoice's own due date, else the client's current terms."""
    if document.due_date is None:
        # A pro forma has no due date yet: it announces the final invoice's terms.
        if client.payment_terms_days <= 0:
            return _("Conditions de paiement : à réception de la facture définitive.")
        return _(
            "Conditions de paiement : %(days)d jours à compter de la date de la facture définitive.",
            days=client.payment_terms_days,
        )

    due_date = short_date(document.due_date)
    days = (document.due_date - document.issue_date).days
    if days <= 0:
        return _("Paiement à réception, au plus tard le %(date)s.", date=due_date)
    return _(
        "Paiement à %(days)d jours à compter de la date de facture, soit au plus tard le %(date)s.",
        days=days,
        date=due_date,
    )


def _footer_text(lab: Lab, document: Document) -> str:
    return pdf_text(f"{lab.legal_name} · SIRET {lab.siret} · {document.number}")


def _numbered_canvas(footer: str):
    """Return a canvas class that writes the footer and « Page n sur N » on each page.

    Pages are kept until `save`, when their count is known.
    """

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for page in self._pages:
                self.__dict__.update(page)
                self._draw_footer(len(self._pages))
                super().showPage()
            super().save()

        def _draw_footer(self, page_count: int) -> None:
            self.saveState()
            self.setFont("Helvetica", 7.5)
            self.setFillColor(colors.HexColor("#5b6472"))
            self.drawString(MARGIN, MARGIN - 2 * mm, footer)
            label = _("Page %(page)d sur %(count)d", page=self._pageNumber, count=page_count)
            self.drawRightString(PAGE_WIDTH - MARGIN, MARGIN - 2 * mm, pdf_text(label))
            self.restoreState()

    return NumberedCanvas
