"""The reference of the list-page benchmark: Flask's smallest app, served by the same gunicorn.

Run by bench/list_page.py as `gunicorn --chdir bench hello:app`.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """Return a fixed plain-text greeting."""
    return "Hello, World!"
