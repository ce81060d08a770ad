"""Made-up French business identifiers that still pass their checksums."""

import random
import unicodedata


def slugify(text: str) -> str:
    """Turn « Lefèvre Dupuis » into « lefevre-dupuis », for e-mail addresses."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(char if char.isalnum() else " " for char in ascii_text.lower()).split()
    return "-".join(words)


def _luhn_is_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def make_siren(rng: random.Random) -> str:
    """Draw a 9-digit SIREN that passes the Luhn check, as real ones do."""
    stem = f"{rng.randrange(10**7, 10**8):08d}"
    for last in "0123456789":
        if _luhn_is_valid(stem + last):
            return stem + last
    raise AssertionError("a Luhn check digit always exists")


def make_siret(siren: str, rng: random.Random) -> str:
    """Append a 5-digit establishment number so the 14 digits pass the Luhn check."""
    stem = siren + f"{rng.randrange(1, 10):04d}"
    for last in "0123456789":
        if _luhn_is_valid(stem + last):
            return stem + last
    raise AssertionError("a Luhn check digit always exists")


def vat_number(siren: str) -> str:
    """Return the French intra-community VAT number of a SIREN (key = 12 + 3 × SIREN mod 97)."""
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def make_iban(rng: random.Random) -> str:
    """Draw a French IBAN with a valid RIB key and check digits, grouped by four.

    The bank code 99999 belongs to no bank, so the account cannot exist.
    """
    bank, branch = "99999", f"{rng.randrange(10**4, 10**5):05d}"
    account = f"{rng.randrange(10**10, 10**11):011d}"
    rib_key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{rib_key:02d}"
    # ISO 13616: move « FR00 » to the end, letters as numbers (F = 15, R = 27).
    check = 98 - int(f"{bban}152700") % 97
    iban = f"FR{check:02d}{bban}"
    return " ".join(iban[start : start + 4] for start in range(0, len(iban), 4))


def format_siren(siren: str) -> str:
    """Group a SIREN as printed on invoices: « 812 345 678 »."""
    return f"{siren[:3]} {siren[3:6]} {siren[6:]}"
