from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length

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
            Email(_l("Cette adresse e-mail n’est pas valide.")),
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
