"""Forms of the client directory: the client record and adding a user to its space."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
)

from app import MAX_DATABASE_ID
from app.labels import CLIENT_KIND_LABELS
from app.models import Client, ClientKind
from app.services.directory import ALL_KINDS, MAX_CODE_LENGTH, ClientInput

# The client-type filter of the directory, in display order.
KIND_FILTER_CHOICES = [
    SelectChoice(ALL_KINDS, _l("Tous")),
    SelectChoice(ClientKind.INDEPENDENT, _l("Indépendants")),
    SelectChoice(ClientKind.GROUP, _l("Groupes")),
    SelectChoice(ClientKind.GROUP_MEMBER, _l("Membres de groupe")),
]


# The maximum payment terms of a client, in days.
MAX_PAYMENT_TERMS_DAYS = 120

# One message for empty, malformed (« 30,5 », « 1e3 ») or out-of-range payment terms.
PAYMENT_TERMS_MESSAGE = _l(
    "Saisissez le délai de paiement : un nombre entier de jours entre 0 et %(max)d.",
    max=MAX_PAYMENT_TERMS_DAYS,
)


class DaysField(IntegerField):
    """A whole number of days; text that is not one gets PAYMENT_TERMS_MESSAGE alone.

    WTForms would report « N’est pas un entier valide » and then, since the
    value is missing, the range message too.
    """

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip()
        # ASCII only, since int() accepts other scripts' digits such as « ٣ ».
        if not (text.isascii() and text.isdigit()):
            self.data = None
            raise ValueError(PAYMENT_TERMS_MESSAGE)
        self.data = int(text)

    def pre_validate(self, form):
        # The conversion error above is the only message a malformed value needs.
        if self.process_errors:
            raise StopValidation()


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _group_id(value):
    """Turn the group field's value (typed, or the edited client's group) into an id."""
    if isinstance(value, Client):
        return value.id
    if value in (None, "", "None"):
        return None
    group_id = int(value)
    if not 0 < group_id <= MAX_DATABASE_ID:
        # The database driver would fail on an id beyond its integer column.
        raise ValueError(f"group id out of range: {value}")
    return group_id


class ClientForm(FlaskForm):
    code = StringField(
        _l("Code client"),
        filters=[_strip],
        description=_l("Enregistré en majuscules, sans espaces : « c 0011 » devient « C0011 »."),
        validators=[
            DataRequired(_l("Saisissez le code du client.")),
            Length(
                max=MAX_CODE_LENGTH, message=_l("Le code ne doit pas dépasser %(max)d caractères.")
            ),
        ],
    )
    name = StringField(
        _l("Nom"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Saisissez le nom du client.")),
            Length(max=200, message=_l("Le nom ne doit pas dépasser %(max)d caractères.")),
        ],
    )
    kind = SelectField(
        _l("Type"),
        choices=[SelectChoice(kind, CLIENT_KIND_LABELS[kind]) for kind in ClientKind.ALL],
        default=ClientKind.INDEPENDENT,
        invalid_choice_message=_l("Choisissez un type de client dans la liste."),
    )
    group = SelectField(
        _l("Groupe"),
        coerce=_group_id,
        # The directory service checks the group against the lab's groups.
        validate_choice=False,
        invalid_value_message=_l("Choisissez un groupe dans la liste."),
        description=_l("Uniquement pour un membre de groupe : le groupe qui est facturé."),
    )
    email = EmailField(
        _l("Adresse e-mail"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(
                max=254, message=_l("L’adresse e-mail ne doit pas dépasser %(max)d caractères.")
            ),
            Email(_l("Cette adresse e-mail n’est pas valide."), check_deliverability=False),
        ],
    )
    phone = StringField(
        _l("Téléphone"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=30, message=_l("Le téléphone ne doit pas dépasser %(max)d caractères.")),
        ],
    )
    address = StringField(
        _l("Adresse"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(
                max=300, message=_l("L’adresse postale ne doit pas dépasser %(max)d caractères.")
            ),
        ],
    )
    postal_code = StringField(
        _l("Code postal"),
        filters=[_strip],
        validators=[
            Optional(),
            Regexp(r"^\d{5}$", message=_l("Le code postal compte 5 chiffres, par exemple 69003.")),
        ],
    )
    city = StringField(
        _l("Ville"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=100, message=_l("La ville ne doit pas dépasser %(max)d caractères.")),
        ],
    )
    payment_terms_days = DaysField(
        _l("Délai de paiement (jours)"),
        default=30,
        validators=[
            InputRequired(PAYMENT_TERMS_MESSAGE),
            NumberRange(min=0, max=MAX_PAYMENT_TERMS_DAYS, message=PAYMENT_TERMS_MESSAGE),
        ],
    )
    notes = TextAreaField(
        _l("Notes internes"),
        filters=[_strip],
        description=_l("Visibles seulement par le laboratoire."),
        validators=[Optional()],
    )

    def set_group_choices(self, groups: list[tuple[int, str]]) -> None:
        """Offer « no group » and the lab's groups."""
        self.group.choices = [
            SelectChoice("", _l("— Aucun groupe —")),
            *(SelectChoice(str(group_id), label) for group_id, label in groups),
        ]

    def to_input(self) -> ClientInput:
        """Return the typed values, empty optional fields as None."""
        return ClientInput(
            code=self.code.data,
            name=self.name.data,
            kind=self.kind.data,
            group_id=self.group.data,
            email=self.email.data or None,
            phone=self.phone.data or None,
            address=self.address.data or None,
            postal_code=self.postal_code.data or None,
            city=self.city.data or None,
            payment_terms_days=self.payment_terms_days.data,
            notes=self.notes.data or None,
        )


class SpaceUserForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Saisissez l’adresse e-mail de l’utilisateur.")),
            Length(
                max=254, message=_l("L’adresse e-mail ne doit pas dépasser %(max)d caractères.")
            ),
            Email(_l("Cette adresse e-mail n’est pas valide."), check_deliverability=False),
        ],
    )
