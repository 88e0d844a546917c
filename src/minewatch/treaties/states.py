"""The states that can join the APMBC or the CCM.

Both treaties are open to "all States" (Art. 15/16): the UN members, the two
observer states (Holy See, State of Palestine) and the two states in free
association with New Zealand that the depositary treats as states (Cook
Islands, Niue).  The list is a bundled table so that a record for anything else
(a territory, a typo, an old code) is refused at import, not silently counted.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pycountry


@dataclass(frozen=True)
class EligibleState:
    iso3: str
    iso2: str
    name: str
    un_status: str  # un_member | un_observer | non_member


@cache
def _table() -> dict[str, EligibleState]:
    text = resources.files("minewatch.treaties").joinpath("data/states.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return {r["iso3"]: EligibleState(r["iso3"], r["iso2"], r["name"], r["un_status"]) for r in rows}


def eligible_states() -> dict[str, str]:
    """iso3 → name of every state that can be party, so callers never consult pycountry's wider list."""
    return {code: s.name for code, s in _table().items()}


def eligible_state(iso3: str) -> EligibleState | None:
    """The table row, or ``None`` for a code that is not a state able to join."""
    return _table().get(iso3.upper()) if iso3 else None


def is_eligible(iso3: str | None) -> bool:
    return iso3 is not None and iso3.upper() in _table()


def state_name(iso3: str) -> str:
    """Display name used across the project (UN-style short names, as the depositary writes them)."""
    s = eligible_state(iso3)
    if s is None:
        raise KeyError(f"{iso3!r} is not a state that can join the treaties")
    return s.name


#: iso3 → name, loaded once at import (197 entries: 193 UN members, VAT, PSE, COK, NIU).
ELIGIBLE_STATES: dict[str, str] = eligible_states()


def _fold(text: str) -> str:
    """Case, accents, punctuation and spacing folded, so 'cote d ivoire' finds Côte d'Ivoire."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", " ", plain.lower()).strip()


@cache
def _names() -> dict[str, str]:
    """Folded name → iso3: the table's names, the extractor's aliases (Turkey, Russia, Holy See), pycountry's names."""
    out: dict[str, str] = {}
    aliases = resources.files("minewatch.extract").joinpath("data/states.csv").read_text(encoding="utf-8")
    for r in csv.DictReader(aliases.splitlines()):
        if r["iso3"] in _table():
            for name in [*(r.get("aliases") or "").split(";"), r.get("display") or ""]:
                if name.strip():
                    out.setdefault(_fold(name), r["iso3"])
    for code, s in _table().items():
        out.setdefault(_fold(s.name), code)
        country = pycountry.countries.get(alpha_3=code)
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None) if country else None
            if value:
                out.setdefault(_fold(value), code)
    return out


def resolve_state(value: str) -> str | None:
    """An ISO3 code for what a user typed: a code (LTU, lt) or a name ('Lithuania', 'Cote d'Ivoire').

    ``None`` when nothing matches a state that can join the treaties, so a
    caller can refuse the input rather than answer an empty listing.
    """
    v = (value or "").strip()
    if not v:
        return None
    table = _table()
    if v.upper() in table:
        return v.upper()
    if len(v) == 2:
        for code, s in table.items():
            if s.iso2 == v.upper():
                return code
    return _names().get(_fold(v))
