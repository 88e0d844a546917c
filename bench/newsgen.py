"""A generated news stream for the benchmarks: mostly general news, some treaty news, several languages.

Every sentence here is written for the benchmarks (templates filled with
random names and numbers); nothing comes from real articles.  The tricky
irrelevant cases are on purpose: coal, gold and crypto mining, data mining,
"mine" as a pronoun, Ottawa the city.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

STATES = ["Poland", "Lithuania", "Latvia", "Estonia", "Finland", "Ukraine", "Norway", "Sweden", "Germany"]
CITIES = ["Warsaw", "Vilnius", "Riga", "Tallinn", "Helsinki", "Kyiv", "Oslo", "Stockholm", "Berlin"]
TEAMS = ["Rovers", "United", "Athletic", "Dynamo", "City", "Wanderers"]
FIRMS = ["Northwind", "Baltic Steel", "Helios Energy", "Amberline", "Polar Foods", "Vistula Bank"]

IRRELEVANT = {
    "sport": [
        "{team} beat {team2} {a}-{b} on Saturday, and the coach said the mistakes in the first half were all mine.",
        "The striker scored twice in {city} as {team} moved to {a} points clear at the top of the table.",
        "Fans in {city} queued for hours for tickets to the derby against {team2}.",
    ],
    "economy": [
        "{firm} reported a {a} percent rise in quarterly profit, beating analysts' forecasts.",
        "The central bank in {city} kept its main rate at {a} percent, citing slowing inflation.",
        "Shares in {firm} fell {a} percent after the company cut its outlook for the year.",
    ],
    "weather": [
        "Forecasters in {city} warned of heavy rain and winds of up to {a}0 km/h on Sunday.",
        "A heat wave pushed temperatures above {a}0 degrees in parts of {state} this week.",
    ],
    "coal": [
        "{n} miners were brought to the surface after a methane alarm at a coal mine in {state}.",
        "Output at the country's largest coal mine fell {a} percent as the operator closed two seams.",
        "The government in {city} said the last hard-coal mines would close by 20{a}{b}.",
        "A methane explosion at a coal mine in {state} killed {a} miners and injured {n} more.",
    ],
    "gold": [
        "{firm} said its gold mine in the north would produce {n} ounces this year; copper mines also grew.",
    ],
    "crypto": [
        "A crypto mining farm near {city} used as much power as a small town, the regulator said.",
        "Bitcoin miners moved rigs to {state} to use cheap hydropower; the firm mines {a} coins a day.",
    ],
    "data": [
        "The startup uses data mining to predict demand in {n} grocery stores across {state}.",
        "Researchers said text mining of court records showed long delays in {city}.",
    ],
    "ottawa": [
        "Ottawa's hockey team lost {a}-{b} in overtime, and the city council approved a new arena.",
    ],
    "other_lang": [
        "Die Termine für die Sitzung in {city} wurden verschoben; die Regierung will {n} Millionen Euro sparen.",
        "W meczu w {city} gospodarze wygrali {a}:{b}; do końca zostało 5 min, gdy padł gol.",
        "Mina vänner i {city} säger att vädret blir bättre på söndag.",
        "Tuotanto kasvoi {a} prosenttia, kertoi {firm} torstaina.",
    ],
}

RELEVANT = {
    "en": [
        "{state}'s parliament voted to withdraw from the Ottawa Convention banning anti-personnel mines, "
        "the defence minister said in {city}.",
        "{state} plans to produce anti-personnel landmines from next year after leaving the mine ban treaty.",
        "The Convention on Cluster Munitions has {n} states parties, the treaty's support unit said.",
        "{state} notified the UN Secretary-General of its withdrawal from the Ottawa Convention.",
    ],
    "pl": ["Sejm przyjął ustawę o wypowiedzeniu konwencji ottawskiej o zakazie min przeciwpiechotnych."],
    "ru": ["Литва объявила о выходе из Оттавской конвенции о запрете противопехотных мин."],
    "uk": ["Україна закупить протипіхотні міни, повідомило міністерство оборони."],
    "lt": ["Seimas pritarė pasitraukimui iš Otavos konvencijos dėl priešpėstinių minų."],
    "lv": ["Saeima nobalsoja par izstāšanos no Otavas konvencijas par kājnieku mīnām."],
    "et": ["Riigikogu kiitis heaks Ottawa konventsioonist väljaastumise; jalaväemiinid tulevad tagasi."],
    "fi": ["Eduskunta hyväksyi Ottawan sopimuksesta irtautumisen ja jalkaväkimiinojen hankinnan."],
    "de": ["Die Regierung in {city} lehnt Antipersonenminen weiter ab und hält an der Ottawa-Konvention fest."],
    "sv": ["Regeringen i {city} vill inte återinföra truppminor trots Ottawakonventionen."],
    "fr": ["La France condamne l'emploi de mines antipersonnel et d'armes à sous-munitions."],
    # No row of the term list verbatim: inflected forms, "mine" near a war or casualty word, Unicode hyphens.
    "context-en": [
        "Russian forces laid mines along the road to {city}, the regional governor said.",
        "A child stepped on a mine near a village in {state} and was taken to hospital.",
        "{a} farmers were killed by a mine explosion while ploughing a field.",
        "{state} buys mines from a domestic manufacturer, the defence ministry said.",
        "The treaty banning mines will lose another member if {state} goes ahead.",
        "The army will buy anti\u2011personnel mines, officials in {city} confirmed.",
    ],
    "context-other": [
        "Die Bundeswehr will keine Minen kaufen, hieß es in {city}.",
        "Wojsko kupi miny od krajowego producenta.",
        "Kaitsevägi ostab miine, teatas ministeerium.",
        "Puolustusvoimat hankkii miinoja kotimaiselta valmistajalta.",
        "Армія потребує мін, заявили в міністерстві.",
        "Le gouvernement défend la convention sur les mines.",
    ],
}
#: The relevant topics whose templates hold no listed term verbatim (recall on them is printed apart).
CONTEXT_TOPICS = ("treaty-context-en", "treaty-context-other")

FILLER = [
    "Officials in {city} said more details would follow next week.",
    "The statement was published on the ministry's website on {day} {month}.",
    "Opposition lawmakers criticised the timing of the announcement.",
    "Analysts expect the debate to continue in the coming months.",
    "The agency said it had contacted several regional authorities.",
    "A spokesperson declined to comment on the figures.",
]
#: Words for filler sentences drawn at random, so generated articles do not share long phrases
#: (real streams rarely do outside syndicated copies, and story grouping would otherwise see a cluster).
WORDS = (
    "local officials council budget residents new plan road school hospital project week year month "
    "minister report market price rise fall growth company workers union talks agreement city region "
    "committee vote proposal funding study data survey public service transport energy water housing "
    "summer winter spring autumn river coast village district court ruling appeal decision hearing "
    "festival museum library concert season team match league coach player record fans ticket stadium "
    "farmers harvest crop weather rain snow storm forecast temperature traffic airport train bus port "
    "bank rate inflation loan tax revenue export import trade shop retail consumer demand supply factory"
).split()
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "September", "October"]


def _fill(rng: random.Random, template: str) -> str:
    return template.format(
        state=rng.choice(STATES), city=rng.choice(CITIES), team=rng.choice(TEAMS), team2=rng.choice(TEAMS),
        firm=rng.choice(FIRMS), a=rng.randint(1, 9), b=rng.randint(0, 9), n=rng.randint(2, 900),
        day=rng.randint(1, 28), month=rng.choice(MONTHS),
    )


def article(rng: random.Random, relevant: bool, serial: int) -> dict[str, str]:
    """One generated article: a lead sentence from a topic, a few filler sentences, a serial to keep it unique."""
    if relevant:
        lang = rng.choice(list(RELEVANT))
        topic, lead = f"treaty-{lang}", _fill(rng, rng.choice(RELEVANT[lang]))
    else:
        topic = rng.choice(list(IRRELEVANT))
        lead = _fill(rng, rng.choice(IRRELEVANT[topic]))
    body = [lead] + [_fill(rng, rng.choice(FILLER)) for _ in range(rng.randint(1, 2))]
    for _ in range(rng.randint(3, 7)):
        words = rng.choices(WORDS, k=rng.randint(8, 16))
        body.append(" ".join(words).capitalize() + ".")
    body.append(f"(Report {serial}.)")
    return {
        "title": lead.split(",")[0][:80],
        "published": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "outlet": f"Example {topic.title()} News",
        "text": " ".join(body),
        "topic": topic,
        "relevant": relevant,
    }


def copy_of(rng: random.Random, original: dict[str, str], k: int) -> dict[str, str]:
    """Another outlet's copy of a wire article: a few words changed, maybe the last sentence cut,
    dated up to two days later (what story grouping has to join)."""
    words = original["text"].split(" ")
    for _ in range(rng.randint(1, 4)):
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    text = " ".join(words)
    if rng.random() < 0.5:
        text = text.rsplit(" (Report", 1)[0] + f" (Copy {k}.)"
    year, month, day = (int(x) for x in original["published"].split("-"))
    return {**original, "text": text, "outlet": f"Example Outlet {k}",
            "published": f"{year}-{month:02d}-{min(28, day + rng.randint(0, 2)):02d}"}


def stream(n: int, relevant_share: float = 0.05, seed: int = 1, copy_share: float = 0.0) -> Iterator[dict[str, str]]:
    """``n`` articles; with ``copy_share``, that share of them are copies of an earlier one (1–4 per
    original, arriving within the next few hundred articles, as wire copies do)."""
    rng = random.Random(seed)
    pending: list[tuple[int, dict[str, str]]] = []
    serial = 0
    for i in range(n):
        due = [p for p in pending if p[0] <= i]
        if due and rng.random() < 0.5:
            pending.remove(due[0])
            yield due[0][1]
            continue
        a = article(rng, rng.random() < relevant_share, serial)
        serial += 1
        if copy_share and rng.random() < copy_share / (1 - copy_share) / 2.5:
            for k in range(rng.randint(1, 4)):
                pending.append((i + rng.randint(1, 300), copy_of(rng, a, k + 1)))
        yield a


def write_jsonl(path: Path, n: int, relevant_share: float = 0.05, seed: int = 1, copy_share: float = 0.0) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for a in stream(n, relevant_share, seed, copy_share):
            fh.write(json.dumps({k: v for k, v in a.items() if k not in ("topic", "relevant")}) + "\n")
    return path
