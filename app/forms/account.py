"""Forms of the « Mon compte » page: profile, password change."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length, Optional, ValidationError

from app.services.accounts import MIN_PASSWORD_LENGTH

# Each language is named in its own language, as language pickers usually do.
LOCALE_CHOICES = [
    SelectChoice("fr", "Français", render_kw={"lang": "fr"}),
    SelectChoice("en", "English", render_kw={"lang": "en"}),
]


class ProfileForm(FlaskForm):
    # Optional, as on the invitation page: without a name, User.display_name
    # falls back to the e-mail address.
    name = StringField(
        _l("Nom et prénom"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            Optional(),
            Length(max=200, message=_l("Le nom ne peut pas dépasser %(max)d caractères.", max=200)),
        ],
    )
    locale = SelectField(
        _l("Langue"),
        choices=LOCALE_CHOICES,
        validate_choice=False,
        validators=[
            AnyOf(
                [choice.value for choice in LOCALE_CHOICES],
                message=_l("Choisissez le français ou l’anglais."),
            )
        ],
    )


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Mot de passe actuel"),
        validators=[DataRequired(_l("Saisissez votre mot de passe actuel."))],
    )
    password = PasswordField(
        _l("Nouveau mot de passe"),
        validators=[
            DataRequired(_l("Choisissez un nouveau mot de passe.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l(
                    "Le mot de passe doit compter entre %(min)d et %(max)d caractères.",
                    min=MIN_PASSWORD_LENGTH,
                    max=200,
                ),
            ),
        ],
    )
    confirmation = PasswordField(
        _l("Confirmez le nouveau mot de passe"),
        validators=[EqualTo("password", _l("Les deux mots de passe ne sont pas identiques."))],
    )

    def validate_password(self, field) -> None:
        """Reject a new password equal to the current one."""
        if field.data and field.data == self.current_password.data:
            raise ValidationError(_l("Le nouveau mot de passe doit être différent de l’actuel."))
