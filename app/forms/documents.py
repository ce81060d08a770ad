"""Forms of the lab's document list: the filters, and the withdrawal of a published document."""

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from app.labels import DOCUMENT_KIND_LABELS
from app.models import DocumentKind
from app.services.document_list import DocumentFilters
from app.services.publication import MAX_COMMENT_LENGTH

PUBLISHED = "published"
UNPUBLISHED = "unpublished"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class FrenchDateField(DateField):
    """A date typed as jj/mm/aaaa or sent as ISO by an input type=date; empty means none."""

    FORMATS = ("%Y-%m-%d", "%d/%m/%Y")

    def process_formdata(self, valuelist):
        text = " ".join(valuelist).strip() if valuelist else ""
        self.data = None
        if not text:
            return
        for pattern in self.FORMATS:
            try:
                self.data = datetime.strptime(text, pattern).date()
                return
            except ValueError:
                continue
        raise ValueError(
            _(
                "La date « %(value)s » n’est pas valide : saisissez-la au format jj/mm/aaaa.",
                value=text[:20],
            )
        )

    def _value(self):
        # ISO whatever was typed: an input type=date shows nothing for jj/mm/aaaa.
        if self.data:
            return self.data.isoformat()
        return super()._value()


class DocumentFilterForm(FlaskForm):
    """The list filters, read from the query string; an invalid value is reported and ignored."""

    class Meta:
        # A GET that only filters changes nothing, so it carries no CSRF token.
        csrf = False

    kind = SelectField(_l("Type"), validate_choice=False)
    client = SelectField(_l("Client"), validate_choice=False)
    state = SelectField(
        _l("Publication"),
        choices=[
            SelectChoice("", _l("Tous")),
            SelectChoice(PUBLISHED, _l("Publiés")),
            SelectChoice(UNPUBLISHED, _l("Non publiés")),
        ],
        validate_choice=False,
    )
    date_from = FrenchDateField(_l("Émis à partir du"), name="from")
    date_to = FrenchDateField(_l("Émis jusqu’au"), name="to")

    def __init__(self, formdata, clients: list[tuple[int, str]], **kwargs):
        super().__init__(formdata=formdata, **kwargs)
        self.kind.choices = [SelectChoice("", _l("Tous les types"))] + [
            SelectChoice(kind, DOCUMENT_KIND_LABELS[kind]) for kind in DocumentKind.ALL
        ]
        self.client.choices = [SelectChoice("", _l("Tous les clients"))] + [
            SelectChoice(str(client_id), name) for client_id, name in clients
        ]

    def validate_kind(self, field):
        if field.data and field.data not in DocumentKind.ALL:
            raise ValidationError(
                _("Ce type de document n’existe pas : tous les types sont affichés.")
            )

    def validate_client(self, field):
        known = {choice.value for choice in field.choices if choice.value}
        if field.data and field.data not in known:
            raise ValidationError(_("Ce client n’existe pas : tous les clients sont affichés."))

    def validate_state(self, field):
        if field.data and field.data not in (PUBLISHED, UNPUBLISHED):
            raise ValidationError(
                _("Cet état de publication n’existe pas : tous les documents sont affichés.")
            )

    def validate_date_to(self, field):
        start = self.date_from.data if not self.date_from.errors else None
        if field.data and start and field.data < start:
            raise ValidationError(_("La date de fin précède la date de début : elle est ignorée."))

    def filters(self) -> DocumentFilters:
        """Return the filters from the valid fields only; call after `validate()`."""

        def valid(field):
            return None if field.errors or not field.data else field.data

        client = valid(self.client)
        state = valid(self.state)
        return DocumentFilters(
            kind=valid(self.kind),
            client_id=int(client) if client else None,
            published=None if state is None else state == PUBLISHED,
            date_from=valid(self.date_from),
            date_to=valid(self.date_to),
        )


class UnpublishForm(FlaskForm):
    """The reason a published document is withdrawn, kept in its history."""

    class Meta:
        # CSRFProtect already checks every POST before the view runs, and the
        # row's form sends the plain `csrf_token` field whatever the prefix.
        csrf = False

    comment = TextAreaField(
        _l("Motif du retrait (obligatoire)"),
        filters=[_strip],
        validators=[
            DataRequired(
                _l("Indiquez le motif du retrait : il reste dans l’historique du document.")
            ),
            Length(
                max=MAX_COMMENT_LENGTH,
                message=_l(
                    "Le motif ne doit pas dépasser %(max)d caractères.", max=MAX_COMMENT_LENGTH
                ),
            ),
        ],
    )
