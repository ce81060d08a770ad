"""Forms of the sign-in pages: login, password reset, invitation acceptance."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.services.accounts import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"), validators=[DataRequired(_l("Saisissez votre adresse e-mail."))]
    )
    password = PasswordField(
        _l("Mot de passe"), validators=[DataRequired(_l("Saisissez votre mot de passe."))]
    )


class PasswordResetRequestForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"),
        validators=[
            DataRequired(_l("Saisissez votre adresse e-mail.")),
            # No DNS lookup: check_deliverability would query the address's domain.
            Email(_l("Cette adresse e-mail n’est pas valide."), check_deliverability=False),
        ],
    )


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Nouveau mot de passe"),
        validators=[
            DataRequired(_l("Choisissez un mot de passe.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l(
                    "Le mot de passe doit compter au moins %(min)d caractères.",
                    min=MIN_PASSWORD_LENGTH,
                ),
            ),
        ],
    )
    confirmation = PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[EqualTo("password", _l("Les deux mots de passe ne sont pas identiques."))],
    )


class InvitationForm(NewPasswordForm):
    """The new password of an invited user, with the name shown to the labs."""

    name = StringField(
        _l("Nom et prénom"),
        filters=[lambda value: value.strip() if value else value],
        validators=[
            Optional(),
            Length(max=200, message=_l("Le nom ne doit pas dépasser 200 caractères.")),
        ],
    )
