"""Claims from sentences written for these tests, one language at a time (no article text is copied)."""

from __future__ import annotations

from datetime import date

import pytest

from minewatch.extract.multilingual import extract_multilingual, supports
from minewatch.extract.multilingual.extractor import sentences
from minewatch.model import Document


def claims(text: str, lang: str, published: date | None = date(2025, 6, 1)) -> set[tuple]:
    doc = Document(text=text, original=text, language=lang, published=published)
    out = extract_multilingual(doc)
    for c in out:
        for ev in c.evidence:
            assert doc.text[ev.start:ev.end] == ev.text  # evidence indexes the cleaned text
    return {(c.actor.key, c.predicate, c.stage, c.treaty, c.weapon, c.counterpart.key if c.counterpart else None,
             c.modality, c.polarity) for c in out}


W, J = "treaty_withdrawal", "treaty_joining"
CASES = [
    # Lithuanian
    ("lt", "Seimas pritarė Lietuvos pasitraukimui iš Otavos konvencijos.",
     {("LTU", W, "approved", "APMBC", None, None, "actual", "affirmed")}),
    ("lt", "Lietuva kitais metais planuoja gaminti priešpėstines minas ir perduoti jas Ukrainai.",
     {("LTU", "production", None, None, "ap_mine", None, "planned", "affirmed"),
      ("LTU", "transfer", None, None, "ap_mine", "UKR", "planned", "affirmed")}),
    ("lt", "Rusija nepasirašė Otavos konvencijos.",
     {("RUS", J, "signed", "APMBC", None, None, "actual", "negated")}),
    # Finnish
    ("fi", "Eduskunta hyväksyi Suomen irtautumisen Ottawan sopimuksesta.",
     {("FIN", W, "approved", "APMBC", None, None, "actual", "affirmed")}),
    ("fi", "Puolustusvoimat hankkii panssarimiinoja.",
     {("FIN", "procurement", None, None, "at_mine", None, "actual", "affirmed")}),
    ("fi", "Venäjä ei liittynyt Ottawan sopimukseen.",
     {("RUS", J, "acceded", "APMBC", None, None, "actual", "negated")}),
    # Polish
    ("pl", "Prezydent podpisał ustawę o wypowiedzeniu przez Polskę Konwencji ottawskiej.",
     {("POL", W, "approved", "APMBC", None, None, "actual", "affirmed")}),
    ("pl", "Polska będzie produkować miny przeciwpiechotne.",
     {("POL", "production", None, None, "ap_mine", None, "planned", "affirmed")}),
    # Ukrainian
    ("uk", "Президент підписав указ про вихід України з Оттавської конвенції.",
     {("UKR", W, "decided", "APMBC", None, None, "actual", "affirmed")}),
    ("uk", "Росія застосовує протипіхотні міни.",
     {("RUS", "use", None, None, "ap_mine", None, "actual", "affirmed")}),
    # Latvian
    ("lv", "Saeima atbalstīja Latvijas izstāšanos no Otavas konvencijas.",
     {("LVA", W, "approved", "APMBC", None, None, "actual", "affirmed")}),
    # Estonian
    ("et", "Eesti ühines Ottawa konventsiooniga 2004. aastal.",
     {("EST", J, "acceded", "APMBC", None, None, "actual", "affirmed")}),
    # Russian
    ("ru", "Литва и Финляндия будут производить противопехотные мины.",
     {("LTU", "production", None, None, "ap_mine", None, "planned", "affirmed"),
      ("FIN", "production", None, None, "ap_mine", None, "planned", "affirmed")}),
    # German
    ("de", "Berlin plant keinen Ausstieg aus dem Ottawa-Übereinkommen.",
     {("DEU", W, "decided", "APMBC", None, None, "planned", "negated")}),
    ("de", "Litauen erwägt einen Ausstieg aus der Konvention über das Ottawa-Übereinkommen.",
     {("LTU", W, "proposed", "APMBC", None, None, "considered", "affirmed")}),
]


@pytest.mark.parametrize(("lang", "text", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_sentence_gives_its_claims(lang: str, text: str, expected: set[tuple]) -> None:
    assert claims(text, lang) == expected


def test_treaty_description_is_no_activity() -> None:
    text = "Konwencja zakazuje produkcji i składowania min przeciwpiechotnych."
    assert claims(text, "pl") == set()


def test_withdrawal_needs_a_treaty() -> None:
    # "the retreating Russians mined the area": a withdrawal word without a treaty is no treaty claim
    found = claims("Wycofujący się Rosjanie minowali teren.", "pl")
    assert found == {("RUS", "use", None, None, "mine", None, "actual", "affirmed")}


def test_convention_stands_for_the_treaty_last_named() -> None:
    text = "Polska podpisała Konwencję ottawską w 1997 roku. Sejm poparł wypowiedzenie konwencji."
    found = claims(text, "pl")
    assert ("POL", W, "approved", "APMBC", None, None, "actual", "affirmed") in found


def test_recipient_is_no_actor_and_no_carried_actor() -> None:
    text = "Литва передаст мины Украине. Кроме того, партнеры намерены производить противотанковые мины."
    found = claims(text, "ru")
    assert ("LTU", "transfer", None, None, "mine", "UKR", "actual", "affirmed") in found
    assert ("LTU", "production", None, None, "at_mine", None, "planned", "affirmed") in found
    assert not any(c[0] == "UKR" for c in found)


def test_casualty_tally_goes_on_through_a_list() -> None:
    text = ("У 2024 році від мін загинули 300 людей у Сирії. Далі йде Афганістан - 120 осіб. "
            "Потім М'янма - 90 людей.")
    doc = Document(text=text, original=text, language="uk", published=date(2025, 1, 1))
    got = {c.actor.key: (c.quantity.low, c.quantity.high) for c in extract_multilingual(doc)
           if c.predicate == "casualties" and c.quantity}
    assert got == {"SYR": (300, 300), "AFG": (120, 120), "MMR": (90, 90)}


def test_values_vague_and_money() -> None:
    text = "Литва направит сотни миллионов евро на закупку противотанковых мин."
    doc = Document(text=text, original=text, language="ru", published=date(2025, 1, 1))
    (c,) = [c for c in extract_multilingual(doc) if c.predicate == "procurement"]
    assert (c.money.low, c.money.high, c.money.currency) == (100_000_000, 999_999_999, "EUR")


def test_about_a_million_mines() -> None:
    text = "Puolustusvoimat tuhosi noin miljoona miinaa."
    doc = Document(text=text, original=text, language="fi", published=date(2025, 1, 1))
    (c,) = extract_multilingual(doc)
    assert (c.predicate, c.quantity.low, c.quantity.high, c.quantity.unit) == ("destruction", 900_000, 1_100_000,
                                                                               "mines")


@pytest.mark.parametrize(("lang", "text", "day"), [
    ("lt", "Lietuva pasitrauks iš Otavos konvencijos 2025 m. gruodžio 27 d.", date(2025, 12, 27)),
    ("lv", "Latvija izstāsies no Otavas konvencijas 27. decembrī.", date(2025, 12, 27)),
    ("et", "Eesti lahkub Ottawa konventsioonist 27. detsembril.", date(2025, 12, 27)),
    ("pl", "Polska wycofa się z Konwencji ottawskiej 20 lutego 2026 roku.", date(2026, 2, 20)),
])
def test_dates_the_region_writes(lang: str, text: str, day: date) -> None:
    doc = Document(text=text, original=text, language=lang, published=date(2025, 7, 1))
    (c,) = extract_multilingual(doc)
    assert (c.time.start, c.time.end) == (day, day)
    assert c.modality == "planned"  # a date after publication makes the claim planned


def test_next_year_resolves_against_publication() -> None:
    text = "Die Produktion von Antipersonenminen in Finnland kann im nächsten Jahr starten."
    doc = Document(text=text, original=text, language="de", published=date(2025, 7, 9))
    (c,) = extract_multilingual(doc)
    assert (c.time.start, c.time.end) == (date(2026, 1, 1), date(2026, 12, 31))


def test_sentences_keep_initials_and_numbers() -> None:
    text = "Ministras T. Godliauskas sakė, kad 5. punktas galioja. Antras sakinys."
    spans = sentences(text)
    assert [text[s:e] for s, e in spans] == ["Ministras T. Godliauskas sakė, kad 5. punktas galioja.",
                                             "Antras sakinys."]


def test_languages_without_rules_give_nothing() -> None:
    assert not supports("sv") and not supports(None) and supports("lt")
    doc = Document(text="Sverige lämnar Ottawakonventionen.", original="", language="sv")
    assert extract_multilingual(doc) == []


def test_receiving_verb_makes_the_giver_the_actor() -> None:
    assert claims("Україна отримала від США протипіхотні міни.", "uk") == {
        ("USA", "transfer", None, None, "ap_mine", "UKR", "actual", "affirmed")}


def test_a_place_is_no_actor_beside_a_named_one() -> None:
    found = claims("Russland hat in der Ukraine Antipersonenminen eingesetzt.", "de")
    assert found == {("RUS", "use", None, None, "ap_mine", None, "actual", "affirmed")}
    found = claims("Venäjä on käyttänyt jalkaväkimiinoja Ukrainassa.", "fi")
    assert found == {("RUS", "use", None, None, "ap_mine", None, "actual", "affirmed")}


def test_passive_auxiliary_is_no_future() -> None:
    text = "Im Jahr 2023 wurden weltweit 5000 Menschen durch Landminen getötet."
    assert claims(text, "de") == {("world", "casualties", None, None, "mine", None, "actual", "affirmed")}


def test_withdrawal_goes_on_in_the_next_sentence() -> None:
    text = ("Ottawa konventsioonist lahkumise protsessi on alustanud ka Läti ja Leedu. "
            "Lätis ja Leedus on parlament seaduse juba vastu võtnud.")
    found = claims(text, "et")
    assert ("LVA", W, "approved", "APMBC", None, None, "actual", "affirmed") in found
    assert ("LTU", W, "approved", "APMBC", None, None, "actual", "affirmed") in found


def test_negated_modal_negates_what_it_governs() -> None:
    assert claims("Eesti ei kavatse jalaväemiine toota.", "et") == {
        ("EST", "production", None, None, "ap_mine", None, "planned", "negated")}


def test_a_group_row_names_its_states() -> None:
    found = claims("Die baltischen Staaten wollen aus dem Ottawa-Abkommen austreten.", "de")
    assert {c[0] for c in found} == {"LTU", "LVA", "EST"}
    assert {c[1] for c in found} == {W}


def _speakers(text: str, lang: str) -> set[str | None]:
    doc = Document(text=text, original=text, language=lang, published=date(2025, 1, 1))
    return {c.speaker.name if c.speaker else None for c in extract_multilingual(doc)}


def test_speakers() -> None:
    assert _speakers("Müller: Deutschland wird nicht aus dem Ottawa-Abkommen austreten.", "de") == {"Müller"}
    assert _speakers("Командир Петренко заявил, что ВСУ минируют поля.", "ru") == {"Петренко"}
    text = '"Polen hat das Ottawa-Abkommen ratifiziert. Wir bleiben dabei", sagte Jan Kowalski.'
    assert _speakers(text, "de") == {"Jan Kowalski"}


def test_weekday_is_the_last_one_before_publication() -> None:
    text = "Polska w piątek formalnie wycofała się z Konwencji ottawskiej."
    doc = Document(text=text, original=text, language="pl", published=date(2026, 2, 22))  # a Sunday
    (c,) = extract_multilingual(doc)
    assert (c.stage, c.time.start, c.time.end) == ("effective", date(2026, 2, 20), date(2026, 2, 20))


def test_casualty_count_without_a_unit_word() -> None:
    text = "Weltweit fiel die Zahl der Opfer von Landminen von 5000 auf 4000."
    doc = Document(text=text, original=text, language="de", published=date(2025, 1, 1))
    (c,) = extract_multilingual(doc)
    assert (c.actor.key, c.quantity.low, c.quantity.high) == ("world", 4000, 4000)


@pytest.mark.parametrize(("lang", "text"), [
    ("pl", "Ukraina oskarża Rosję o stosowanie min przeciwpiechotnych."),
    ("ru", "Украина обвиняет Россию в применении противопехотных мин."),
    ("de", "Die Ukraine beschuldigt Russland, Antipersonenminen einzusetzen."),
])
def test_the_accuser_is_no_actor(lang: str, text: str) -> None:
    assert {(c[0], c[1]) for c in claims(text, lang)} == {("RUS", "use")}


def test_deaths_without_mines_are_no_mine_casualties() -> None:
    assert claims("Ukrainassa kuoli 12 sotilasta drooni-iskussa.", "fi") == set()
    text = "Miinoja on kaikkialla. Ukrainassa kuoli 12 ihmistä viime viikolla."
    assert {c[:2] for c in claims(text, "fi")} == {("UKR", "casualties")}


def test_treaty_claims_need_their_state_in_the_sentence() -> None:
    text = "Deutschland hat das Ottawa-Abkommen ratifiziert. Die Frage eines Austritts aus dem Abkommen wird diskutiert."
    assert {c[:3] for c in claims(text, "de")} == {("DEU", J, "ratified")}


def test_a_weekday_dates_the_act_relative_to_publication_and_a_full_date_is_stated() -> None:
    # relative dates are never checked against the depositary record as the act's own date
    monday = Document(text="Polen ist am Montag aus dem Ottawa-Abkommen ausgetreten.", original="", language="de",
                      published=date(2026, 2, 20))
    (c,) = extract_multilingual(monday)
    assert (c.time.start, c.time.basis) == (date(2026, 2, 16), "relative")
    dated = Document(text="Polen ist am 20. Februar 2026 aus dem Ottawa-Abkommen ausgetreten.", original="",
                     language="de", published=date(2026, 2, 21))
    (c,) = extract_multilingual(dated)
    assert (c.time.start, c.time.basis) == (date(2026, 2, 20), "stated")
