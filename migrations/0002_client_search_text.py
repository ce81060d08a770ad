"""Add the client's folded search text and sort name, and fill them for existing clients.

The directory search matches `search_text` with LIKE, and the directory sorts
by `sort_name`, so accents and capitals are ignored the same way on SQLite and
PostgreSQL. `fold_text` is a frozen copy of app.models.directory.fold_text at
the time of this migration.
"""

import unicodedata

from peewee import Table, TextField

_TYPED_FORMS = str.maketrans({"œ": "oe", "æ": "ae", "’": "'", "‘": "'"})

SEARCHED_COLUMNS = ("code", "name", "postal_code", "city", "email")


def fold_text(value):
    decomposed = unicodedata.normalize("NFKD", (value or "").casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.translate(_TYPED_FORMS).split())


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("client", "search_text", TextField(default="")),
        migrator.add_column("client", "sort_name", TextField(default="")),
        migrator.add_index("client", ("lab_id", "sort_name"), False),
    )

    client = Table("client", ("id", "search_text", "sort_name", *SEARCHED_COLUMNS)).bind(db)
    columns = [getattr(client, name) for name in SEARCHED_COLUMNS]
    rows = list(client.select(client.id, *columns).dicts())
    for row in rows:
        search_text = fold_text(" ".join(row[name] or "" for name in SEARCHED_COLUMNS))
        (
            client.update(search_text=search_text, sort_name=fold_text(row["name"]))
            .where(client.id == row["id"])
            .execute()
        )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("client", "client_lab_id_sort_name"),
        migrator.drop_column("client", "sort_name"),
        migrator.drop_column("client", "search_text"),
    )
