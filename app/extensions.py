"""Extension objects, created unbound here and initialised in `create_app`."""

from flask_babel import Babel
from flask_compress import Compress
from flask_login import LoginManager
from flask_mail import Mail
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx

babel = Babel()
compress = Compress()
csrf = CSRFProtect()
htmx = Htmx()
login_manager = LoginManager()
mail = Mail()
