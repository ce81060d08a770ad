"""The lab's catalogue: article families and articles with their list price."""

from peewee import BooleanField, CharField, ForeignKeyField, IntegerField

from app.models.accounts import Lab
from app.models.base import BaseModel, MoneyField


class ArticleFamily(BaseModel):
    lab = ForeignKeyField(Lab, backref="article_families", on_delete="CASCADE")
    name = CharField(max_length=100)

    class Meta:
        indexes = ((("lab", "name"), True),)


class Article(BaseModel):
    lab = ForeignKeyField(Lab, backref="articles", on_delete="CASCADE")
    family = ForeignKeyField(ArticleFamily, backref="articles", on_delete="RESTRICT")
    code = CharField(max_length=30)
    name = CharField(max_length=200)
    unit_price = MoneyField(default=0)
    # VAT rate in hundredths of a percent (2000 is 20 %); 0 means exempt,
    # the usual case for prostheses made by a dental technician.
    vat_rate = IntegerField(default=0)
    is_active = BooleanField(default=True)

    class Meta:
        indexes = ((("lab", "code"), True),)
