"""Publication history: who published or unpublished which document, when, why."""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from app.models.accounts import Lab, User
from app.models.base import BaseModel, utcnow
from app.models.documents import Document


class PublicationBatch(BaseModel):
    """One publish action, covering one document or thousands."""

    lab = ForeignKeyField(Lab, backref="publication_batches", on_delete="CASCADE")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)
    document_count = IntegerField(default=0)


class PublicationAction:
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"


class PublicationEvent(BaseModel):
    document = ForeignKeyField(Document, backref="publication_events", on_delete="CASCADE")
    action = CharField(max_length=20)
    user = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    batch = ForeignKeyField(PublicationBatch, null=True, on_delete="SET NULL", backref="events")
    # Required when unpublishing: why the document was withdrawn.
    comment = TextField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("document", "created_at"), False),)
