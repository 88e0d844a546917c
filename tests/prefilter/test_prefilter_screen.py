"""The relevance prefilter: what it must let through, what it must stop, and how ingest uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from minewatch.prefilter import compile_terms, is_relevant, load_terms, relevance_match

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"

RELEVANT = [
    "Parliament voted to leave the Ottawa Convention on Tuesday.",
    "The army will buy anti-personnel mines from a domestic producer.",
    "Deminers cleared a minefield near the river.",
    "Ukraine said 30 percent of its farmland has been mined.",
    "The Convention on Cluster Munitions turns fifteen.",
    "Observers found PMN-2 and POM-3 devices in the report.",
    "Sejm przegłosował wypowiedzenie konwencji ottawskiej.",
    "Polska chce produkować miny przeciwpiechotne.",
    "Литва вышла из Оттавской конвенции.",
    "Україна закупить протипіхотні міни.",
    "Seimas pritarė pasitraukimui iš Otavos konvencijos.",
    "Latvija plāno ražot kājnieku mīnas.",
    "Eesti kaalub jalaväemiinide tootmist.",
    "Suomi irtautuu Ottawan sopimuksesta ja hankkii jalkaväkimiinoja.",
    "Deutschland lehnt Antipersonenminen weiterhin ab; Streumunition bleibt verboten.",
    "Sverige överväger truppminor igen.",
    "La France condamne l'usage de mines antipersonnel et d'armes à sous-munitions.",
    "Poland began building the East Shield along its border.",
    # No listed compound: "mine(s)" next to a war, military, casualty or treaty word.
    "Russian forces laid mines along the road.",
    "A child stepped on a mine near the school.",
    "Two farmers were killed by a mine explosion.",
    "The treaty banning mines is under strain.",
    "Estonia buys mines from a domestic producer.",
    "Soldiers cleared mines from the bridge.",
    # Unicode hyphens (U+2010, U+2011) and a soft hyphen.
    "The army will buy anti\u2011personnel mines.",
    "Land\u2010mines remain in the fields.",
    "Land\u00admines remain in the fields.",
    # Bare inflected forms in the region's languages.
    "Die Armee braucht Minen.",
    "Wojsko kupi miny.",
    "El ejército compra minas.",
    "Kaitsevägi ostab miine.",
    "Армії бракує мін.",
    "Puolustusvoimat hankkii miinoja.",
    "Le gouvernement défend la convention sur les mines.",
]

IRRELEVANT = [
    "Twelve miners were rescued after a collapse at a coal mine in Silesia.",
    "The company mines bitcoin with cheap hydropower; crypto mining rigs hum all night.",
    "Data mining helps retailers predict demand.",
    "'The decision is mine,' the coach said after the 2-1 win.",
    "Gold mine output rose 4 percent; copper mines reported strikes.",
    "Shares in Minas Gerais utilities fell.",
    "Storms will bring rain and wind to the Baltic coast.",
    "The central bank kept its rate at 5 percent.",
    "Ottawa's hockey team lost in overtime.",
    "The prom was held in the school gym.",
    "Termine für die Sitzung wurden verschoben.",
    "Mina vänner kom på besök.",
    "Pozostało 5 min do końca meczu.",
    # Near-misses of the context rows: a pit, not a weapon.
    "A methane explosion at the coal mine killed three miners.",
    "Twelve workers were injured at a gold mine on Friday.",
    "The firm bought two copper mines in Chile.",
    "Minor injuries were reported after the crash.",
    "Market forces drove mine closures in the valley.",
    "The war of words over the data-mining contract is mine to settle, the CEO said.",
]


@pytest.mark.parametrize("text", RELEVANT)
def test_relevant_articles_pass(text: str) -> None:
    assert is_relevant(text), text


@pytest.mark.parametrize("text", IRRELEVANT)
def test_other_news_is_stopped(text: str) -> None:
    assert relevance_match(text) is None, (text, relevance_match(text))


def test_dashes_are_normalised_before_matching() -> None:
    from minewatch.prefilter import normalise_dashes

    assert normalise_dashes("anti\u2011personnel land\u2010mines \u2013 x") == "anti-personnel land-mines - x"
    assert normalise_dashes("land\u00admines") == "landmines"


def test_title_alone_can_make_an_article_relevant() -> None:
    assert is_relevant("The vote was 98 to 12.", title="Seimas backs exit from mine ban treaty")
    assert not is_relevant("The vote was 98 to 12.", title="Budget passes")


def test_model_names_are_case_sensitive() -> None:
    assert is_relevant("a PMN device")
    assert not is_relevant("pmn and pom are just letters here")


def test_every_term_row_compiles_on_its_own() -> None:
    terms = load_terms()
    assert len(terms) > 20
    assert {t.language for t in terms} >= {"en", "pl", "ru", "uk", "lt", "lv", "et", "fi", "de", "sv", "fr"}
    for t in terms:
        compile_terms([t])


def test_ingest_stores_irrelevant_articles_unparsed(tmp_path: Path, sqlite_url: str) -> None:
    from minewatch.pipeline import IngestOptions, ingest
    from minewatch.store import schema as t
    from minewatch.store.repository import Store

    src = tmp_path / "mixed.jsonl"
    rows = [
        {"text": "Lithuania will leave the Ottawa Convention, the defence minister said on Monday.", "title": "Exit"},
        {"text": "Coal mine output rose again this quarter, the operator said on Monday.", "title": "Coal"},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    store = Store.open(sqlite_url)
    summary = ingest(store, [str(src)], IngestOptions(extract=False))
    assert summary.ingested == 2
    with store.engine.connect() as conn:
        got = {r.title: r for r in conn.execute(select(t.documents.c.title, t.documents.c.relevant,
                                                       t.documents.c.original, t.documents.c.text))}
    assert got["Exit"].relevant is True and got["Exit"].original
    assert got["Coal"].relevant is False
    assert got["Coal"].original == "" and "Coal mine" in got["Coal"].text  # text kept for a later re-screen


def test_every_article_with_a_gold_claim_passes() -> None:
    gold_dir = SHARED / "gold"
    if not gold_dir.exists():
        pytest.skip("../shared is absent")
    from minewatch.ingest import prepare
    from minewatch.ingest.sources import RawItem, iter_items
    from minewatch.prefilter import is_relevant_document

    with_claims: set[str] = set()
    # the claim gold of dev and seeds (train's file names repeat dev's; conflicts gold has no "doc")
    for name in ("dev.jsonl", "dev-multilingual.jsonl", "seeds.jsonl"):
        f = gold_dir / name
        for line in f.read_text(encoding="utf-8").splitlines() if f.exists() else []:
            row = json.loads(line) if line.strip() else {}
            if row.get("doc") and not row.get("none"):
                with_claims.add(row["doc"])
    paths = [p for d in ("corpus/dev", "seeds") for p in sorted((SHARED / d).glob("*.txt")) if p.name in with_claims]
    assert len(paths) >= 35
    lost = []
    for p in paths:
        items = [i for i in iter_items([str(p)]) if isinstance(i, RawItem)]
        if not any(is_relevant_document(prepare(i)) for i in items):
            lost.append(p.name)
    assert lost == []


def test_extract_all_rescreens_stored_documents(tmp_path: Path, sqlite_url: str) -> None:
    """`minewatch extract --all` applies the current screen: relevance is updated, stopped ones lose claims."""
    pytest.importorskip("spacy")
    from typer.testing import CliRunner

    from minewatch.cli import app
    from minewatch.pipeline import IngestOptions, ingest
    from minewatch.store import schema as t
    from minewatch.store.repository import Store

    src = tmp_path / "two.jsonl"
    rows = [
        {"title": "Exit", "published": "2025-03-05",
         "text": "Lithuania's defence council recommended withdrawing from the Ottawa Convention banning "
                 "anti-personnel mines, the defence minister said on Wednesday."},
        {"title": "Coal", "published": "2025-03-06", "text": "Coal mine output rose again this quarter, the operator said."},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    store = Store.open(sqlite_url)
    ingest(store, [str(src)], IngestOptions(extract=False))
    # As an older, narrower (and a wrong, wider) screen would have left them.
    with store.engine.begin() as conn:
        conn.execute(t.documents.update().where(t.documents.c.title == "Exit").values(relevant=False))
        conn.execute(t.documents.update().where(t.documents.c.title == "Coal").values(relevant=True))
    store.engine.dispose()
    result = CliRunner().invoke(app, ["--db", sqlite_url, "extract", "--all"])
    assert result.exit_code == 0, result.output
    store = Store.open(sqlite_url)
    with store.engine.connect() as conn:
        got = {r.title: r.relevant for r in conn.execute(select(t.documents.c.title, t.documents.c.relevant))}
        claims = {r.title: r.n for r in conn.execute(
            select(t.documents.c.title, func.count(t.claims.c.id).label("n"))
            .select_from(t.documents.outerjoin(t.claims, t.claims.c.document_id == t.documents.c.id))
            .group_by(t.documents.c.title))}
    assert got == {"Exit": True, "Coal": False}
    assert claims["Exit"] >= 1 and claims["Coal"] == 0
    store.engine.dispose()


@pytest.mark.parametrize("text", [
    "The federal review of the copper project was a regulatory minefield, the chief executive said.",
    "Tax reform is a political minefield for any coalition.",
    "Negotiators crossed a minefield of competing demands.",
    "An Ottawa-based mining company expects the nickel mine to reach full production next year.",
])
def test_figurative_minefields_and_pits_stay_out(text):
    assert not is_relevant(text), relevance_match(text)


@pytest.mark.parametrize("text", [
    "Minefields along the frontier were cleared last year.",
    "Sappers found a minefield of anti-tank mines near the river.",
    "The minefield near the village has not been marked.",
])
def test_weapon_minefields_pass(text):
    assert is_relevant(text)
