"""The demo labs' identity, catalogue, client directory, staff and client users."""

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from app.models import (
    Article,
    ArticleFamily,
    Client,
    ClientKind,
    Lab,
    LabMembership,
    LabRole,
    SpaceAccess,
    SpaceStatus,
    User,
)
from app.services.demo import data
from app.services.demo.identity import (
    format_siren,
    make_iban,
    make_siren,
    make_siret,
    slugify,
    vat_number,
)

# Payment terms in days, drawn for the independent practices; 0 means on receipt.
PAYMENT_TERMS = (0, 30, 30, 30, 30, 45, 45, 60)
GROUP_PAYMENT_TERMS = 60


@dataclass(frozen=True)
class DemoArticle:
    """An article as the activity planner needs it, without a database row."""

    id: int
    code: str
    name: str
    family: str
    unit_price: Decimal
    vat_rate: int
    teeth: str
    materials: tuple[str, ...]


@dataclass(frozen=True)
class DemoClient:
    """A client as the activity planner needs it."""

    id: int
    kind: str
    # The client invoiced for this one's work: its group for a member, itself otherwise.
    billing_id: int
    payment_terms_days: int
    # Relative share of the lab's cases; 0 for a group, whose members send the work.
    activity: float
    # Shipped by carrier, so every delivery carries a postage line.
    remote: bool
    # Leaves many invoices unpaid, so the dunning pages have something to show.
    late_payer: bool


@dataclass
class LabSetup:
    """The rows and planner views of one demo lab, once its directory exists."""

    index: int
    lab: Lab
    staff_ids: list[int]
    articles: dict[str, DemoArticle]
    clients: list[DemoClient]
    users: int = 0
    spaces: int = 0


@dataclass
class UserBook:
    """The demo users created or found so far, shared by the labs of one load."""

    password_hash: str
    by_email: dict[str, User] = field(default_factory=dict)
    # Addresses already given to someone, so two made-up dentists never share one.
    taken: set[str] = field(default_factory=set)

    def user(self, email: str, name: str, with_password: bool = True) -> User:
        """Return the user with this address, creating them on first use."""
        email = email.lower()
        if email in self.by_email:
            return self.by_email[email]
        user = User.get_or_none(User.email == email)
        if user is None:
            user = User.create(
                email=email,
                name=name,
                password_hash=self.password_hash if with_password else None,
            )
        self.by_email[email] = user
        self.taken.add(email)
        return user

    def free_address(self, local_part: str, domain: str) -> str:
        """Return `local_part@domain`, with a number added if already taken."""
        candidate = f"{local_part}@{domain}"
        number = 2
        while candidate in self.taken or User.select().where(User.email == candidate).exists():
            candidate = f"{local_part}{number}@{domain}"
            number += 1
        self.taken.add(candidate)
        return candidate


def create_lab(spec: data.LabSpec, rng: random.Random, book: UserBook) -> tuple[Lab, list[int]]:
    """Create a lab with its identifiers, invoice footer and two staff members."""
    siren = make_siren(rng)
    iban = make_iban(rng)
    footer = (
        f"{spec.legal_name}, {spec.legal_form} au capital de {spec.share_capital}, "
        f"RCS {spec.rcs_city} {format_siren(siren)}, TVA intracommunautaire {vat_number(siren)}.\n"
        f"Règlement par virement : {spec.bank_name}, IBAN {iban}, BIC DEMOFRPPXXX."
    )
    lab = Lab.create(
        name=spec.name,
        legal_name=spec.legal_name,
        siret=make_siret(siren, rng),
        vat_number=vat_number(siren),
        address=spec.address,
        postal_code=spec.place.postal_code,
        city=spec.place.city,
        phone=f"{spec.phone_prefix} {rng.randrange(10, 100)} {rng.randrange(10, 100)}",
        email=f"contact@{spec.email_domain}",
        shows_prices=spec.shows_prices,
        invoice_footer=footer,
    )

    staff_ids = []
    for person, role in ((spec.admin, LabRole.ADMIN), (spec.staff, LabRole.STAFF)):
        user = book.user(person.email, person.name)
        LabMembership.insert(user=user, lab=lab, role=role).on_conflict_ignore().execute()
        staff_ids.append(user.id)
    return lab, staff_ids


def create_catalogue(lab: Lab, spec: data.LabSpec) -> dict[str, DemoArticle]:
    """Create the article families and the articles, at this lab's prices."""
    families = {name: ArticleFamily.create(lab=lab, name=name).id for name in data.FAMILY_NAMES}
    factor = Decimal(spec.price_factor)
    articles = {}
    for item in data.CATALOGUE:
        # Prices rounded to 50 cents, as a lab's price list would be.
        price = (Decimal(item.price) * factor * 2).quantize(Decimal(1), ROUND_HALF_UP) / 2
        price = price.quantize(Decimal("0.01"))
        row = Article.create(
            lab=lab,
            family=families[item.family],
            code=item.code,
            name=item.name,
            unit_price=price,
            vat_rate=item.vat_rate,
        )
        articles[item.code] = DemoArticle(
            id=row.id,
            code=item.code,
            name=item.name,
            family=item.family,
            unit_price=price,
            vat_rate=item.vat_rate,
            teeth=item.teeth,
            materials=item.materials,
        )
    return articles


class _ClientFactory:
    """Creates the clients of one lab with codes, addresses and phones."""

    def __init__(self, lab: Lab, spec: data.LabSpec, rng: random.Random):
        self.lab = lab
        self.spec = spec
        self.rng = rng
        self.count = 0
        self.names: set[str] = set()

    def create(self, name: str, kind: str, group: Client | None = None, **fields) -> Client:
        self.count += 1
        self.names.add(name)
        place = fields.pop("place", None) or self.rng.choice(self.spec.places)
        address = fields.pop("address", None) or (
            f"{self.rng.randrange(1, 120)} {self.rng.choice(self.spec.streets)}"
        )
        return Client.create(
            lab=self.lab,
            code=f"C{self.count:04d}",
            name=name,
            kind=kind,
            group=group,
            phone=f"{self.spec.phone_prefix} {self.rng.randrange(10, 100)} "
            f"{self.rng.randrange(10, 100)}",
            address=address,
            postal_code=place.postal_code,
            city=place.city,
            notes=self.rng.choice(data.CLIENT_NOTES) if self.rng.random() < 0.2 else None,
            **fields,
        )

    def practice_name(self) -> tuple[str, data.Person | None]:
        """Draw an unused practice name, with its dentist when the name has one."""
        while True:
            roll = self.rng.random()
            first = self.rng.choice(data.FIRST_NAMES)
            last = self.rng.choice(data.LAST_NAMES)
            dentist = None
            if roll < 0.7:
                name = f"Cabinet du Dr {first} {last}"
                dentist = data.Person(first, last, "")
            elif roll < 0.85:
                name = f"Cabinet dentaire {self.rng.choice(self.spec.neighbourhoods)}"
            else:
                other = self.rng.choice(data.LAST_NAMES)
                if other == last:
                    continue
                name = f"SELARL des Drs {last} et {other}"
                dentist = data.Person(first, last, "")
            if name not in self.names:
                return name, dentist
            if len(self.names) > 50 * len(data.LAST_NAMES):
                # Past that many practices, numbered names avoid an endless draw.
                return f"{name} ({self.count + 1})", dentist


def create_clients(
    lab: Lab,
    spec: data.LabSpec,
    rng: random.Random,
    count: int,
    book: UserBook,
    with_shared_practice: bool,
) -> tuple[list[DemoClient], int, int]:
    """Create `count` clients (a group of three, the shared practice, independents) and users.

    Returns the planner's view of the clients, and how many users and space
    accesses were created.
    """
    factory = _ClientFactory(lab, spec, rng)
    accesses = _AccessBook()
    clients: list[DemoClient] = []

    group = factory.create(
        spec.group_name,
        ClientKind.GROUP,
        email=f"comptabilite@{spec.group_domain}",
        payment_terms_days=GROUP_PAYMENT_TERMS,
    )
    clients.append(_demo_client(group, activity=0.0))
    members = []
    for member_name, local_part in spec.group_members:
        member = factory.create(
            member_name,
            ClientKind.GROUP_MEMBER,
            group=group,
            email=f"{local_part}@{spec.group_domain}",
            payment_terms_days=GROUP_PAYMENT_TERMS,
        )
        members.append((member, local_part))
        clients.append(_demo_client(member, activity=rng.uniform(1.5, 2.5), billing_id=group.id))

    accountant = book.user(f"comptabilite@{spec.group_domain}", f"Comptabilité {spec.group_name}")
    director = book.user(f"direction@{spec.group_domain}", f"Direction {spec.group_name}")
    accesses.grant(accountant, group)
    accesses.grant(director, group)
    first_member, first_local = members[0]
    accesses.grant(director, first_member, alerts=False)
    for member, local_part in members[1:]:
        secretary = book.user(f"accueil.{local_part}@{spec.group_domain}", f"Accueil {member.name}")
        accesses.grant(secretary, member)
    accesses.grant(
        book.user(f"{first_local}@{spec.group_domain}", f"Accueil {first_member.name}", False),
        first_member,
        status=SpaceStatus.INVITED,
    )

    if with_shared_practice:
        shared = factory.create(
            data.SHARED_PRACTICE_NAME,
            ClientKind.INDEPENDENT,
            email="contact@cabinet-bernard.example",
            place=data.SHARED_PRACTICE_PLACE,
            address=data.SHARED_PRACTICE_ADDRESS,
            payment_terms_days=30,
        )
        remote = spec.place.city != data.SHARED_PRACTICE_PLACE.city
        clients.append(_demo_client(shared, activity=rng.uniform(0.8, 1.6), remote=remote))
        accesses.grant(
            book.user(data.SHARED_DENTIST.email, f"Dr {data.SHARED_DENTIST.name}"), shared
        )
        if not remote:
            accesses.grant(
                book.user("secretariat@cabinet-bernard.example", "Secrétariat du cabinet Bernard"),
                shared,
            )

    independents = 0
    while factory.count < count:
        name, dentist = factory.practice_name()
        slug = slugify(dentist.last_name if dentist else name.removeprefix("Cabinet dentaire "))
        domain = f"cabinet-{slug}.example"
        client = factory.create(
            name,
            ClientKind.INDEPENDENT,
            email=book.free_address("contact", domain),
            payment_terms_days=rng.choice(PAYMENT_TERMS),
        )
        # The first practice pays late, and one in sixteen of the others.
        late = independents == 0 or rng.random() < 1 / 16
        independents += 1
        # Practice sizes vary: a few send most of the work.
        clients.append(_demo_client(client, activity=rng.lognormvariate(0, 0.6), late_payer=late))
        if rng.random() < 0.5:
            _grant_practice_users(client, dentist, domain, rng, book, accesses)

    return clients, len(accesses.users), accesses.count


def _demo_client(
    client: Client,
    activity: float,
    billing_id: int | None = None,
    remote: bool = False,
    late_payer: bool = False,
) -> DemoClient:
    return DemoClient(
        id=client.id,
        kind=client.kind,
        billing_id=billing_id or client.id,
        payment_terms_days=client.payment_terms_days,
        activity=activity,
        remote=remote,
        late_payer=late_payer,
    )


class _AccessBook:
    """Grants space accesses and counts them."""

    def __init__(self):
        self.count = 0
        self.users: set[int] = set()

    def grant(
        self,
        user: User,
        client: Client,
        alerts: bool = True,
        status: str = SpaceStatus.ACTIVE,
    ) -> None:
        SpaceAccess.create(user=user, client=client, alerts_enabled=alerts, status=status)
        self.count += 1
        self.users.add(user.id)


def _grant_practice_users(client, dentist, domain, rng, book, accesses) -> None:
    """Open a practice's space to its dentist and, often, its secretary."""
    if dentist is not None:
        local_part = f"{slugify(dentist.first_name)}.{slugify(dentist.last_name)}"
        invited = rng.random() < 0.1
        user = book.user(
            book.free_address(local_part, domain), f"Dr {dentist.name}", with_password=not invited
        )
        accesses.grant(
            user,
            client,
            alerts=rng.random() < 0.85,
            status=SpaceStatus.INVITED if invited else SpaceStatus.ACTIVE,
        )
    if dentist is None or rng.random() < 0.4:
        user = book.user(book.free_address("secretariat", domain), f"Secrétariat – {client.name}")
        accesses.grant(user, client, alerts=rng.random() < 0.85)
