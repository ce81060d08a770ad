"""The migrations build exactly the schema the models describe."""

from app.services.schema import schema_differences


def test_migrations_match_models(app):
    assert not schema_differences()
