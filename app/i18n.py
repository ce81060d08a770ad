"""Message catalogs: extraction from the sources and compilation of the .po files.

The msgids are the French texts themselves, so French needs no catalog and an
untranslated string shows in French; the `en` catalog gives the English.
"""

import logging
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.config import BASE_DIR

log = logging.getLogger("labolien.i18n")

TRANSLATIONS_DIR = BASE_DIR / "app" / "translations"
BABEL_CONFIG = BASE_DIR / "babel.cfg"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def catalog_path(locale: str, suffix: str = "po") -> Path:
    return TRANSLATIONS_DIR / locale / "LC_MESSAGES" / f"messages.{suffix}"


def source_messages() -> set[str]:
    """Return every msgid (the singular form of plurals) found in the app's sources."""
    from babel.messages.frontend import parse_mapping_cfg

    with BABEL_CONFIG.open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    messages = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(BASE_DIR), method_map, options_map, keywords=KEYWORDS
    ):
        messages.add(message[0] if isinstance(message, tuple) else message)
    return messages


def compile_catalogs() -> list[Path]:
    """Compile each .po file into the .mo that Flask-Babel reads, when out of date."""
    compiled = []
    for po_path in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as source:
            catalog = read_po(source)
        with mo_path.open("wb") as target:
            write_mo(target, catalog)
        log.info("catalog compiled: %s", mo_path)
        compiled.append(mo_path)
    return compiled
