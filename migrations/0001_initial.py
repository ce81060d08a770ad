"""Create the first schema: labs, accounts, directory, catalogue, documents,
publication history and the notification outbox.

A frozen copy of the models at that time; amounts are integer cents.
"""
from peewee import *


def up(migrator, db):
    class Lab(Model):
        name = CharField(max_length=200)
        legal_name = CharField(max_length=200)
        siret = CharField(max_length=14)
        vat_number = CharField(null=True, max_length=20)
        address = CharField(max_length=300)
        postal_code = CharField(max_length=10)
        city = CharField(max_length=100)
        phone = CharField(null=True, max_length=30)
        email = CharField(null=True, max_length=254)
        shows_prices = BooleanField(default=False)
        invoice_footer = TextField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'lab'
    db.create_tables([Lab])

    class ArticleFamily(Model):
        lab = ForeignKeyField(Lab, on_delete='CASCADE')
        name = CharField(max_length=100)
        class Meta:
            database = db
            table_name = 'article_family'
            indexes = ((('lab', 'name'), True),)
    db.create_tables([ArticleFamily])

    class Article(Model):
        lab = ForeignKeyField(Lab, on_delete='CASCADE')
        family = ForeignKeyField(ArticleFamily, on_delete='RESTRICT')
        code = CharField(max_length=30)
        name = CharField(max_length=200)
        unit_price = IntegerField(default=0)
        vat_rate = IntegerField(default=0)
        is_active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'article'
            indexes = ((('lab', 'code'), True),)
    db.create_tables([Article])

    class Client(Model):
        lab = ForeignKeyField(Lab, on_delete='CASCADE')
        code = CharField(max_length=20)
        name = CharField(max_length=200)
        kind = CharField(max_length=20, default='independent')
        group = ForeignKeyField('self', null=True, on_delete='RESTRICT')
        email = CharField(null=True, max_length=254)
        phone = CharField(null=True, max_length=30)
        address = CharField(null=True, max_length=300)
        postal_code = CharField(null=True, max_length=10)
        city = CharField(null=True, max_length=100)
        payment_terms_days = IntegerField(default=30)
        notes = TextField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'client'
            indexes = ((('lab', 'code'), True), (('lab', 'name'), False))
    db.create_tables([Client])

    class User(Model):
        email = CharField(unique=True, max_length=254)
        name = CharField(max_length=200, default='')
        password_hash = CharField(null=True)
        locale = CharField(null=True, max_length=5)
        is_active = BooleanField(default=True)
        created_at = DateTimeField()
        last_login_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'user'
    db.create_tables([User])

    class Document(Model):
        lab = ForeignKeyField(Lab, on_delete='CASCADE')
        client = ForeignKeyField(Client, on_delete='RESTRICT')
        kind = CharField(max_length=30)
        number = CharField(max_length=30)
        issue_date = DateField()
        due_date = DateField(null=True)
        patient_reference = CharField(null=True, max_length=100)
        subject = CharField(null=True, max_length=200)
        notes = TextField(null=True)
        total_excl_vat = IntegerField(default=0)
        vat_amount = IntegerField(default=0)
        total_incl_vat = IntegerField(default=0)
        vat_exempt = BooleanField(default=True)
        related_document = ForeignKeyField('self', null=True, on_delete='RESTRICT')
        is_published = BooleanField(default=False)
        published_at = DateTimeField(null=True)
        created_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'document'
            indexes = ((('lab', 'kind', 'number'), True), (('lab', 'issue_date'), False), (('client', 'is_published', 'issue_date'), False))
    db.create_tables([Document])

    class DocumentLine(Model):
        document = ForeignKeyField(Document, on_delete='CASCADE')
        position = IntegerField()
        article = ForeignKeyField(Article, null=True, on_delete='SET NULL')
        description = CharField(max_length=300)
        teeth = CharField(null=True, max_length=100)
        quantity = IntegerField(default=1)
        unit_price = IntegerField(default=0)
        vat_rate = IntegerField(default=0)
        total_excl_vat = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'document_line'
            indexes = ((('document', 'position'), True),)
    db.create_tables([DocumentLine])

    class DocumentSequence(Model):
        lab = ForeignKeyField(Lab, on_delete='CASCADE')
        kind = CharField(max_length=30)
        last_value = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'document_sequence'
            indexes = ((('lab', 'kind'), True),)
    db.create_tables([DocumentSequence])

    class LabMembership(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        lab = ForeignKeyField(Lab, on_delete='CASCADE')
        role = CharField(max_length=20, default='staff')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'lab_membership'
            indexes = ((('user', 'lab'), True),)
    db.create_tables([LabMembership])

    class PublicationBatch(Model):
        lab = ForeignKeyField(Lab, on_delete='CASCADE')
        created_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        document_count = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'publication_batch'
    db.create_tables([PublicationBatch])

    class Notification(Model):
        kind = CharField(max_length=20)
        user = ForeignKeyField(User, on_delete='CASCADE')
        lab = ForeignKeyField(Lab, null=True, on_delete='CASCADE')
        client = ForeignKeyField(Client, null=True, on_delete='CASCADE')
        batch = ForeignKeyField(PublicationBatch, null=True, on_delete='SET NULL')
        status = CharField(max_length=10, default='pending')
        attempts = IntegerField(default=0)
        created_at = DateTimeField()
        claimed_at = DateTimeField(null=True)
        sent_at = DateTimeField(null=True)
        last_error = TextField(null=True)
        class Meta:
            database = db
            table_name = 'notification'
            indexes = ((('status', 'created_at'), False),)
    db.create_tables([Notification])

    class NotificationDocument(Model):
        notification = ForeignKeyField(Notification, on_delete='CASCADE')
        document = ForeignKeyField(Document, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'notification_document'
            indexes = ((('notification', 'document'), True),)
    db.create_tables([NotificationDocument])

    class Payment(Model):
        document = ForeignKeyField(Document, on_delete='CASCADE')
        paid_on = DateField()
        amount = IntegerField()
        method = CharField(max_length=20, default='transfer')
        reference = CharField(null=True, max_length=100)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'payment'
    db.create_tables([Payment])

    class PublicationEvent(Model):
        document = ForeignKeyField(Document, on_delete='CASCADE')
        action = CharField(max_length=20)
        user = ForeignKeyField(User, null=True, on_delete='SET NULL')
        batch = ForeignKeyField(PublicationBatch, null=True, on_delete='SET NULL')
        comment = TextField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'publication_event'
            indexes = ((('document', 'created_at'), False),)
    db.create_tables([PublicationEvent])

    class SpaceAccess(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        client = ForeignKeyField(Client, on_delete='CASCADE')
        status = CharField(max_length=20, default='invited')
        alerts_enabled = BooleanField(default=True)
        invited_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'space_access'
            indexes = ((('user', 'client'), True),)
    db.create_tables([SpaceAccess])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('space_access'))
    migrator.migrate(migrator.drop_table('publication_event'))
    migrator.migrate(migrator.drop_table('payment'))
    migrator.migrate(migrator.drop_table('notification_document'))
    migrator.migrate(migrator.drop_table('notification'))
    migrator.migrate(migrator.drop_table('publication_batch'))
    migrator.migrate(migrator.drop_table('lab_membership'))
    migrator.migrate(migrator.drop_table('document_sequence'))
    migrator.migrate(migrator.drop_table('document_line'))
    migrator.migrate(migrator.drop_table('document'))
    migrator.migrate(migrator.drop_table('user'))
    migrator.migrate(migrator.drop_table('client'))
    migrator.migrate(migrator.drop_table('article'))
    migrator.migrate(migrator.drop_table('article_family'))
    migrator.migrate(migrator.drop_table('lab'))

