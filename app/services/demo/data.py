"""Fixed French material of the demo: labs, people, places, catalogue, comments.

Every name, address, SIRET, phone number and IBAN here is made up. E-mail
addresses use the reserved `.example` top-level domain (RFC 2606), so no
message can reach a real mailbox.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    email: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Place:
    city: str
    postal_code: str


@dataclass(frozen=True)
class LabSpec:
    """One demo lab: its identity, its staff and the region its clients come from."""

    name: str
    legal_name: str
    legal_form: str
    share_capital: str
    rcs_city: str
    address: str
    place: Place
    phone_prefix: str
    email_domain: str
    shows_prices: bool
    # Multiplies the list prices, so the two labs do not charge the same.
    price_factor: str
    bank_name: str
    admin: Person
    staff: Person
    group_name: str
    # Each member's name and the local part of its e-mail address.
    group_members: tuple[tuple[str, str], ...]
    group_domain: str
    places: tuple[Place, ...]
    streets: tuple[str, ...]
    neighbourhoods: tuple[str, ...]


LYON_PLACES = (
    Place("Lyon", "69001"),
    Place("Lyon", "69003"),
    Place("Lyon", "69006"),
    Place("Lyon", "69007"),
    Place("Lyon", "69008"),
    Place("Villeurbanne", "69100"),
    Place("Vénissieux", "69200"),
    Place("Caluire-et-Cuire", "69300"),
    Place("Bron", "69500"),
    Place("Écully", "69130"),
    Place("Oullins", "69600"),
    Place("Saint-Priest", "69800"),
    Place("Tassin-la-Demi-Lune", "69160"),
    Place("Meyzieu", "69330"),
    Place("Vienne", "38200"),
    Place("Villefranche-sur-Saône", "69400"),
)

TOULOUSE_PLACES = (
    Place("Toulouse", "31000"),
    Place("Toulouse", "31300"),
    Place("Toulouse", "31400"),
    Place("Toulouse", "31500"),
    Place("Blagnac", "31700"),
    Place("Colomiers", "31770"),
    Place("Tournefeuille", "31170"),
    Place("Balma", "31130"),
    Place("L’Union", "31240"),
    Place("Muret", "31600"),
    Place("Ramonville-Saint-Agne", "31520"),
    Place("Castanet-Tolosan", "31320"),
    Place("Cugnaux", "31270"),
    Place("Montauban", "82000"),
    Place("Albi", "81000"),
    Place("Saint-Orens-de-Gameville", "31650"),
)

STREETS = (
    "rue de la République",
    "avenue Jean-Jaurès",
    "rue Victor-Hugo",
    "boulevard Gambetta",
    "rue du Général-de-Gaulle",
    "place de la Mairie",
    "rue Pasteur",
    "avenue de la Libération",
    "rue des Écoles",
    "rue Émile-Zola",
    "chemin des Vignes",
    "rue de la Gare",
    "allée des Tilleuls",
    "rue Jules-Ferry",
    "avenue du Maréchal-Foch",
    "rue Paul-Bert",
)

LABS = (
    LabSpec(
        name="Laboratoire Dentaire Rhône Prothèse",
        legal_name="Rhône Prothèse SARL",
        legal_form="SARL",
        share_capital="20 000 €",
        rcs_city="Lyon",
        address="18 rue de Marseille",
        place=Place("Lyon", "69007"),
        phone_prefix="04 65 71",
        email_domain="rhone-prothese.example",
        shows_prices=True,
        price_factor="1.00",
        bank_name="Banque Démo Rhône-Alpes",
        admin=Person("Claire", "Moreau", "claire.moreau@rhone-prothese.example"),
        staff=Person("Julien", "Roux", "julien.roux@rhone-prothese.example"),
        group_name="Groupe Dentaire Confluence",
        group_members=(
            ("Centre dentaire Confluence Perrache", "perrache"),
            ("Centre dentaire Confluence Part-Dieu", "part-dieu"),
            ("Centre dentaire Confluence Villeurbanne", "villeurbanne"),
        ),
        group_domain="groupe-confluence.example",
        places=LYON_PLACES,
        streets=STREETS,
        neighbourhoods=(
            "des Brotteaux",
            "de la Croix-Rousse",
            "de Monplaisir",
            "de Fourvière",
            "du Vieux-Lyon",
            "des Gratte-Ciel",
            "de Vaise",
            "de la Guillotière",
        ),
    ),
    LabSpec(
        name="Atelier Prothèse Garonne",
        legal_name="Atelier Prothèse Garonne SAS",
        legal_form="SAS",
        share_capital="35 000 €",
        rcs_city="Toulouse",
        address="7 allée des Demoiselles",
        place=Place("Toulouse", "31400"),
        phone_prefix="05 36 49",
        email_domain="garonne-prothese.example",
        shows_prices=False,
        price_factor="0.96",
        bank_name="Banque Démo Occitanie",
        admin=Person("Marc", "Delmas", "marc.delmas@garonne-prothese.example"),
        staff=Person("Léa", "Fabre", "lea.fabre@garonne-prothese.example"),
        group_name="Groupe Santé Dentaire Occitanie",
        group_members=(
            ("Centre dentaire Occitanie Capitole", "capitole"),
            ("Centre dentaire Occitanie Blagnac", "blagnac"),
            ("Centre dentaire Occitanie Colomiers", "colomiers"),
        ),
        group_domain="groupe-occitanie.example",
        places=TOULOUSE_PLACES,
        streets=STREETS,
        neighbourhoods=(
            "des Carmes",
            "Saint-Cyprien",
            "des Minimes",
            "de la Côte Pavée",
            "de Rangueil",
            "des Chalets",
            "de Lardenne",
            "Saint-Agne",
        ),
    ),
)

# The practice that works with both labs: its dentist has one login and a
# space at each lab. It is in Lyon, so the Toulouse lab ships to it.
SHARED_PRACTICE_NAME = "Cabinet du Dr Camille Bernard"
SHARED_PRACTICE_PLACE = Place("Lyon", "69006")
SHARED_PRACTICE_ADDRESS = "42 cours Franklin-Roosevelt"
SHARED_DENTIST = Person("Camille", "Bernard", "camille.bernard@cabinet-bernard.example")

FIRST_NAMES = (
    "Sophie",
    "Thomas",
    "Nathalie",
    "Pierre",
    "Isabelle",
    "Nicolas",
    "Céline",
    "Julien",
    "Hélène",
    "François",
    "Aurélie",
    "Laurent",
    "Émilie",
    "Olivier",
    "Valérie",
    "Sébastien",
    "Caroline",
    "Mathieu",
    "Anne",
    "Guillaume",
    "Sandrine",
    "Antoine",
    "Virginie",
    "Benoît",
    "Delphine",
    "Jérôme",
    "Marion",
    "Frédéric",
    "Élodie",
    "Stéphane",
    "Agathe",
    "Karim",
    "Inès",
    "Yann",
    "Mélanie",
    "Rémi",
    "Chloé",
    "Damien",
    "Laure",
    "Hugo",
)

LAST_NAMES = (
    "Lambert",
    "Girard",
    "Bonnet",
    "Dupuis",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Mercier",
    "Blanc",
    "Guérin",
    "Muller",
    "Faure",
    "André",
    "Garnier",
    "Rousseau",
    "Morel",
    "Perrin",
    "Fournier",
    "Lefèvre",
    "Gauthier",
    "Clément",
    "Marchand",
    "Dumont",
    "Lemaire",
    "Brunet",
    "Roche",
    "Vidal",
    "Renaud",
    "Picard",
    "Colin",
    "Arnaud",
    "Barbier",
    "Aubert",
    "Dufour",
    "Meunier",
    "Leclerc",
    "Benoît",
    "Nguyen",
    "Haddad",
    "Ferrand",
)

MONTH_NAMES = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

# Initials drawn for the fictitious patient references (« Patient M. D. »).
INITIALS = "ABCDEFGHIJLMNOPRSTV"

FAMILY_NAMES = (
    "Prothèse fixe",
    "Prothèse amovible",
    "Implantologie",
    "Orthodontie",
    "Divers",
)


class Teeth:
    """Ways of writing an article's teeth on a line, in FDI notation."""

    ONE = "one"  # a single tooth: « 26 »
    SPAN = "span"  # three neighbours, as a bridge: « 24, 25, 26 »
    SEVERAL = "several"  # two to four teeth of one arch: « 14, 15, 16 »
    ARCH = "arch"  # a whole arch, written in words
    NONE = "none"


@dataclass(frozen=True)
class ArticleSpec:
    code: str
    name: str
    family: str
    price: str
    teeth: str
    # Materials printed on the traceability certificate, each with a lot number.
    materials: tuple[str, ...] = ()
    # Hundredths of a percent; 0 for the prostheses, which are exempt.
    vat_rate: int = 0


CATALOGUE = (
    ArticleSpec(
        "PF-CCM",
        "Couronne céramo-métallique",
        "Prothèse fixe",
        "145.00",
        Teeth.ONE,
        ("Alliage cobalt-chrome", "Céramique feldspathique"),
    ),
    ArticleSpec(
        "PF-ZIR",
        "Couronne zircone monolithique",
        "Prothèse fixe",
        "130.00",
        Teeth.ONE,
        ("Disque de zircone multicouche",),
    ),
    ArticleSpec(
        "PF-ZST",
        "Couronne zircone stratifiée",
        "Prothèse fixe",
        "175.00",
        Teeth.ONE,
        ("Disque de zircone multicouche", "Céramique de stratification"),
    ),
    ArticleSpec(
        "PF-DSL",
        "Couronne céramique pressée (disilicate de lithium)",
        "Prothèse fixe",
        "185.00",
        Teeth.ONE,
        ("Lingotin de disilicate de lithium",),
    ),
    ArticleSpec(
        "PF-CCO",
        "Couronne coulée métallique",
        "Prothèse fixe",
        "95.00",
        Teeth.ONE,
        ("Alliage cobalt-chrome",),
    ),
    ArticleSpec(
        "PF-INC", "Inlay-core", "Prothèse fixe", "55.00", Teeth.ONE, ("Alliage cobalt-chrome",)
    ),
    ArticleSpec(
        "PF-ONL",
        "Inlay-onlay céramique",
        "Prothèse fixe",
        "160.00",
        Teeth.ONE,
        ("Lingotin de disilicate de lithium",),
    ),
    ArticleSpec(
        "PF-FAC",
        "Facette céramique",
        "Prothèse fixe",
        "210.00",
        Teeth.ONE,
        ("Céramique feldspathique",),
    ),
    ArticleSpec(
        "PF-BRI",
        "Bridge céramo-métallique, par élément",
        "Prothèse fixe",
        "140.00",
        Teeth.SPAN,
        ("Alliage cobalt-chrome", "Céramique feldspathique"),
    ),
    ArticleSpec(
        "PF-PRO",
        "Couronne provisoire en résine",
        "Prothèse fixe",
        "35.00",
        Teeth.ONE,
        ("Résine PMMA pour provisoires",),
    ),
    ArticleSpec(
        "PA-STE",
        "Châssis métallique (stellite), 1 à 3 dents",
        "Prothèse amovible",
        "290.00",
        Teeth.SEVERAL,
        ("Alliage cobalt-chrome pour châssis", "Dents prothétiques en résine"),
    ),
    ArticleSpec(
        "PA-DSU",
        "Dent supplémentaire sur châssis",
        "Prothèse amovible",
        "18.00",
        Teeth.ONE,
        ("Dents prothétiques en résine",),
    ),
    ArticleSpec(
        "PA-CRO",
        "Crochet coulé",
        "Prothèse amovible",
        "25.00",
        Teeth.ONE,
        ("Alliage cobalt-chrome pour châssis",),
    ),
    ArticleSpec(
        "PA-COM",
        "Prothèse complète en résine, par arcade",
        "Prothèse amovible",
        "320.00",
        Teeth.ARCH,
        ("Résine acrylique PMMA", "Dents prothétiques en résine"),
    ),
    ArticleSpec(
        "PA-PAR",
        "Prothèse partielle en résine",
        "Prothèse amovible",
        "180.00",
        Teeth.SEVERAL,
        ("Résine acrylique PMMA", "Dents prothétiques en résine"),
    ),
    ArticleSpec(
        "PA-REB",
        "Rebasage de prothèse amovible",
        "Prothèse amovible",
        "60.00",
        Teeth.ARCH,
        ("Résine acrylique PMMA",),
    ),
    ArticleSpec(
        "PA-REP",
        "Réparation ou adjonction d’une dent",
        "Prothèse amovible",
        "45.00",
        Teeth.ONE,
        ("Résine acrylique PMMA",),
    ),
    ArticleSpec(
        "IM-CZI",
        "Couronne sur implant zircone",
        "Implantologie",
        "320.00",
        Teeth.ONE,
        ("Disque de zircone multicouche", "Vis de prothèse en titane"),
    ),
    ArticleSpec(
        "IM-CCM",
        "Couronne sur implant céramo-métallique",
        "Implantologie",
        "290.00",
        Teeth.ONE,
        ("Alliage cobalt-chrome", "Céramique feldspathique", "Vis de prothèse en titane"),
    ),
    ArticleSpec(
        "IM-PTI",
        "Pilier personnalisé titane",
        "Implantologie",
        "180.00",
        Teeth.ONE,
        ("Pilier usinable en titane grade 5",),
    ),
    ArticleSpec(
        "IM-PZI",
        "Pilier personnalisé zircone",
        "Implantologie",
        "220.00",
        Teeth.ONE,
        ("Disque de zircone multicouche", "Base titane"),
    ),
    ArticleSpec(
        "IM-GUI",
        "Guide chirurgical",
        "Implantologie",
        "150.00",
        Teeth.SEVERAL,
        ("Résine photopolymère biocompatible",),
    ),
    ArticleSpec(
        "IM-BAR",
        "Barre de conjonction sur implants",
        "Implantologie",
        "650.00",
        Teeth.ARCH,
        ("Alliage titane usiné",),
    ),
    ArticleSpec(
        "OR-GCO",
        "Gouttière de contention",
        "Orthodontie",
        "65.00",
        Teeth.ARCH,
        ("Plaque thermoformable PETG",),
    ),
    ArticleSpec(
        "OR-FIL",
        "Fil de contention collé",
        "Orthodontie",
        "45.00",
        Teeth.SEVERAL,
        ("Fil torsadé en acier inoxydable",),
    ),
    ArticleSpec(
        "OR-PLA",
        "Plaque de Hawley",
        "Orthodontie",
        "120.00",
        Teeth.ARCH,
        ("Résine acrylique PMMA", "Fil en acier inoxydable"),
    ),
    ArticleSpec(
        "OR-GOC",
        "Gouttière occlusale (bruxisme)",
        "Orthodontie",
        "110.00",
        Teeth.ARCH,
        ("Plaque thermoformable dure",),
    ),
    ArticleSpec(
        "OR-GBL",
        "Gouttière de blanchiment",
        "Orthodontie",
        "55.00",
        Teeth.ARCH,
        ("Plaque thermoformable souple",),
    ),
    ArticleSpec("DI-POR", "Frais de port (transporteur)", "Divers", "12.50", Teeth.NONE),
    ArticleSpec("DI-RET", "Retouche", "Divers", "25.00", Teeth.ONE),
    ArticleSpec("DI-TEI", "Prise de teinte au cabinet", "Divers", "40.00", Teeth.NONE),
    ArticleSpec("DI-URG", "Supplément urgence (48 h)", "Divers", "30.00", Teeth.NONE),
    ArticleSpec("DI-MOD", "Modèle d’étude", "Divers", "15.00", Teeth.ARCH),
    # Resold goods, not made by the lab: taxed at 20 %.
    ArticleSpec(
        "DI-BOI", "Boîte de rangement pour prothèse", "Divers", "4.50", Teeth.NONE, vat_rate=2000
    ),
    ArticleSpec(
        "DI-PAS", "Pastilles nettoyantes, boîte de 30", "Divers", "6.90", Teeth.NONE, vat_rate=2000
    ),
)

# Share of the cases of each family, and the article a case starts with.
CASE_FAMILIES = (
    (
        "Prothèse fixe",
        55,
        (
            "PF-CCM",
            "PF-ZIR",
            "PF-ZIR",
            "PF-ZST",
            "PF-DSL",
            "PF-BRI",
            "PF-INC",
            "PF-ONL",
            "PF-FAC",
            "PF-CCO",
        ),
    ),
    ("Prothèse amovible", 18, ("PA-STE", "PA-STE", "PA-COM", "PA-PAR", "PA-REB", "PA-REP")),
    ("Implantologie", 15, ("IM-CZI", "IM-CZI", "IM-CCM", "IM-PTI", "IM-BAR", "IM-GUI")),
    ("Orthodontie", 12, ("OR-GCO", "OR-GCO", "OR-FIL", "OR-PLA", "OR-GOC", "OR-GBL")),
)

ARCHES = ("arcade maxillaire", "arcade mandibulaire")

UNPUBLISH_COMMENTS = (
    "Teinte erronée sur le bon : document corrigé puis republié.",
    "Document publié dans l’espace du mauvais cabinet.",
    "Référence patient incomplète, à compléter avant nouvelle publication.",
    "Dents indiquées par erreur, le bon sera réédité.",
    "Publié en double, une seule version est conservée.",
)

CREDIT_REASONS = (
    "Geste commercial sur retouche",
    "Couronne refaite à nos frais",
    "Remise accordée sur le relevé du mois",
    "Erreur de tarif corrigée",
    "Frais de port facturés à tort",
)

CLIENT_NOTES = (
    "Livraison le mardi et le vendredi.",
    "Envoyer les empreintes numériques sur la plateforme habituelle.",
    "Teintier VITA 3D-Master.",
    "Préfère être appelé avant toute retouche.",
    "Passage du coursier avant 11 h.",
)
