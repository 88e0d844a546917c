"""Ingest benchmark: reading + cleaning + metadata + language + story grouping.

Generates N synthetic news articles (fictional states and people, written
from templates here; no real article text) into a temporary folder — plain
text files with header blocks, some with page furniture, some edited copies
of earlier ones, a share in other languages, and one JSONL file — then
streams them through ``iter_items`` → ``prepare`` → ``StoryGrouper.add`` and
prints documents per second and peak memory.  No extraction and no store:
the lead extends this with the store.

    .venv/bin/python bench/ingest.py [--n 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta

from minewatch.ingest import iter_items, prepare
from minewatch.ingest.batch import Prepared, prepare_stream
from minewatch.ingest.sources import RawItem
from minewatch.stories import StoryGrouper, signature

STATES = [
    "Ruritania", "Freedonia", "Sylvania", "Borduria", "Syldavia", "Latveria", "Genovia", "Elbonia",
    "Moldavania", "Carpathia", "Krakozhia", "Zubrowka", "Vulgaria", "Grand Fenwick", "Petoria", "Kasnia",
    "Markovia", "Qumar", "Samavia", "Novistrana", "Orsinia", "Pottsylvania", "Tomainia", "Osterlich",
]
SYLLABLES = "ka lo mi ra se tu vi no da re jan ko li ma ne po sa ti vo ze ber gor hal mir nov stan vel dor".split()
FIRST = ["Marek", "Anna", "Jonas", "Ilze", "Kati", "Pierre", "Lucia", "Erik", "Olena", "Dmitri", "Hanna",
         "Tomas", "Ingrid", "Piotr", "Aldo", "Sofia", "Nils", "Mara", "Jurgen", "Eva", "Karl", "Liis"]
# Surnames and towns from syllables: a realistic spread of names (real streams have thousands).
_r = random.Random(3)
SURNAMES = sorted({"".join(_r.sample(SYLLABLES, 3)).capitalize() for _ in range(1500)})
PEOPLE = [f"{f} {s}" for f, s in zip(_r.choices(FIRST, k=len(SURNAMES)), SURNAMES, strict=True)]
ROLES = ["Defence Minister", "Foreign Minister", "Prime Minister", "President", "deputy defence minister",
         "chair of the parliament's defence committee", "a foreign ministry spokesperson"]
AGENCIES = ["Reuters", "AFP", "TASS", "Xinhua", "AP", "IANS", "PAP", "BNS", "Ukrinform", "dpa"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
LEADS = [
    "{state}'s parliament voted on {weekday} to withdraw from the Ottawa Convention banning anti-personnel mines",
    "{state} formally notified the United Nations of its withdrawal from the Mine Ban Treaty",
    "{state} said it had completed the destruction of its stockpile of {n} cluster munitions",
    "{state} signed the Convention on Cluster Munitions at a ceremony in {city}",
    "The government of {state} approved a bill on leaving the convention that bans anti-personnel mines",
    "{state} deposited its instrument of accession to the Mine Ban Treaty with the UN Secretary-General",
    "Lawmakers in {state} backed a proposal to review the country's obligations under the Ottawa Convention",
    "The Landmine Monitor reported {n} casualties from mines and explosive remnants of war in {state} last year",
    "{state} and {state2} announced a joint review of their membership in the Mine Ban Treaty",
    "A court in {state} heard a case on the country's compliance with the cluster munitions ban",
]
CLAUSES = [
    "{person}, the {role}, said the decision reflected a changed security situation",
    "the vote was {n} in favour and {m} against, with {k} abstentions",
    "the decision takes effect six months after the depositary receives the notification",
    "human rights groups said the move would put civilians at risk for decades",
    "officials in {city} said the country remained committed to international humanitarian law",
    "{person} told reporters in {city} that no final decision had been taken on procurement",
    "the treaty, adopted in 1997, has {n} states parties",
    "the opposition called for a public debate before any further step",
    "the ministry said it would report to the next meeting of states parties in {month}",
    "{state2} welcomed the announcement and offered to share its experience",
    "the International Committee of the Red Cross urged the government to reconsider",
    "campaigners from {n} organisations signed an open letter to the parliament",
    "the finance ministry put the cost of the programme at {n} million euros",
    "a parliamentary committee will examine the bill on {month} {day}",
    "{person} said the country would continue to fund victim assistance and risk education",
    "the United Nations Secretary-General expressed concern about the trend",
]
# A small grammar for background sentences, so that unrelated articles share few word trigrams
# (as unrelated reports on one topic do).
ADJ = ("new old regional national eastern western northern southern joint formal final draft public "
       "military civilian humanitarian legal annual urgent detailed separate official broad narrow local").split()
NOUN = ("report review decision proposal statement budget committee delegation agreement programme survey "
        "hearing inquiry letter memorandum amendment timetable assessment briefing audit plan council "
        "mission fund registry session framework mandate study panel").split()
VERB = ("approved rejected examined discussed published delayed endorsed questioned outlined revised "
        "presented criticised welcomed summarised announced extended postponed supported cited").split()
PREP = "after before during despite within following ahead of under beyond".split(" ")
TIME = ("on Monday|on Tuesday|last week|this month|in the spring|earlier this year|late on Friday|"
        "at a closed session|in a written answer|at a press conference").split("|")
FURNITURE_TOP = ["Menu", "By", "Share this article", "Photo: File image. Source: Example Photo Desk"]
FURNITURE_TAIL = [
    "Related articles", "Storm hits coastal towns", "Football club wins the cup", "Prices of bread go up again",
    "Ten tips for a better garden", "We use cookies to personalise content and ads. Cookie Policy",
]
PL = ("Sejm {state} przyjął we wtorek ustawę o wypowiedzeniu konwencji ottawskiej. Za głosowało {n} posłów, "
      "przeciw było {m}. Minister {person} powiedział, że decyzja wynika ze zmiany sytuacji bezpieczeństwa.")
RU = ("Парламент страны {state} проголосовал за выход из Оттавской конвенции. За проголосовали {n} депутатов, "
      "против — {m}. Министр {person} заявил, что решение вступит в силу через шесть месяцев.")
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
CITIES = sorted({"".join(_r.sample(SYLLABLES, 2)).capitalize() for _ in range(400)})


def fill(rng: random.Random, template: str) -> str:
    s1, s2 = rng.sample(STATES, 2)
    return template.format(
        state=s1, state2=s2, person=rng.choice(PEOPLE), role=rng.choice(ROLES), city=rng.choice(CITIES),
        weekday=rng.choice(WEEKDAYS), month=rng.choice(MONTHS), day=rng.randint(1, 28),
        n=rng.randint(2, 900_000), m=rng.randint(1, 99), k=rng.randint(0, 9),
    )


def background(rng: random.Random) -> str:
    return (
        f"The {rng.choice(ADJ)} {rng.choice(NOUN)} of {rng.choice(STATES)} {rng.choice(VERB)} a "
        f"{rng.choice(ADJ)} {rng.choice(NOUN)} {rng.choice(TIME)}, {rng.choice(PREP)} the "
        f"{rng.choice(ADJ)} {rng.choice(NOUN)} that {rng.choice(PEOPLE)} {rng.choice(VERB)} in "
        f"{rng.choice(CITIES)} with {rng.randint(2, 400)} {rng.choice(NOUN)}s."
    )


def article(rng: random.Random, published: date) -> str:
    agency = rng.choice(AGENCIES)
    city = rng.choice(CITIES).upper()
    lead = fill(rng, rng.choice(LEADS))
    paras = [f"{city}, {MONTHS[published.month - 1]} {published.day} ({agency}) - {lead}."]
    for _ in range(rng.randint(4, 9)):
        if rng.random() < 0.3:
            c = fill(rng, rng.choice(CLAUSES))
            paras.append(c[0].upper() + c[1:] + ".")
        else:
            paras.append(background(rng) + " " + background(rng))
    return "\n\n".join(paras)


def edited_copy(rng: random.Random, text: str) -> str:
    paras = text.split("\n\n")
    paras[0] = paras[0].split(" - ", 1)[-1]
    keep = paras[: max(3, len(paras) - rng.randint(0, 2))]
    return "\n\n".join(keep) + f"\n\n{rng.choice(['Source', 'Credit'])}: {rng.choice(AGENCIES)}"


def generate(folder: str, n: int, seed: int = 7) -> int:
    """Write n articles (files plus one JSONL file); returns the number of documents written."""
    rng = random.Random(seed)
    recent: list[tuple[str, date]] = []
    jsonl_share = n // 10
    start = date(2025, 1, 1)
    with open(os.path.join(folder, "batch.jsonl"), "w", encoding="utf-8") as jl:
        for i in range(n):
            published = start + timedelta(days=rng.randint(0, 364))
            roll = rng.random()
            if roll < 0.12 and recent:
                original, original_date = rng.choice(recent)
                body = edited_copy(rng, original)
                published = original_date + timedelta(days=rng.randint(0, 2))
            elif roll < 0.16:
                body = fill(rng, PL) + " " + background(rng)
            elif roll < 0.20:
                body = fill(rng, RU) + " " + fill(rng, RU)
            else:
                body = article(rng, published)
                recent = (recent + [(body, published)])[-50:]
            if rng.random() < 0.3:
                body = "\n".join(rng.sample(FURNITURE_TOP, 2)) + "\n\n" + body + "\n\n" + "\n".join(FURNITURE_TAIL)
            url = f"https://news{i % 37}.example.com/a/{i}"
            if i < jsonl_share:
                jl.write(json.dumps({"text": body, "url": url, "published": published.isoformat()}) + "\n")
                continue
            sub = os.path.join(folder, f"{i // 1000:03d}")
            os.makedirs(sub, exist_ok=True)
            with open(os.path.join(sub, f"{i:06d}.txt"), "w", encoding="utf-8") as fh:
                fh.write(f"url: {url}\npublished: {published.isoformat()}\nretrieved_from: bench\n\n{body}\n")
    return n


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class StoryCount:
    """Stories opened less stories merged away: the grouper keeps only its window's stories."""

    def __init__(self, grouper: StoryGrouper) -> None:
        self.grouper, self.stories = grouper, 0

    def place(self, doc_id: str, story_id: str) -> None:
        self.stories += story_id == StoryGrouper.story_id_for(doc_id)
        self.stories -= len(self.grouper.pop_merges())  # as the pipeline does after each batch


def run(folder: str, window: int | None = None, processes: int = 1) -> None:
    grouper = StoryGrouper(window) if window else StoryGrouper()
    count = StoryCount(grouper)
    docs = skipped = 0
    t0 = time.perf_counter()
    t_prepare = t_group = 0.0
    # The stories part, also in CPU seconds (wall time on a shared machine counts other processes).
    stories_cpu = {"signature": 0.0, "placing": 0.0}
    checkpoints = {}
    if processes > 1:
        # Workers clean, detect and sign; this process reads, groups and keeps the order.
        for result in prepare_stream(iter_items([folder]), processes):
            if not isinstance(result, Prepared):
                skipped += 1
                continue
            t2, c2 = time.perf_counter(), time.process_time()
            doc = result.document
            count.place(doc.id, grouper.add_signature(doc.id, result.signature, doc.published, doc.via))
            t_group += time.perf_counter() - t2
            stories_cpu["placing"] += time.process_time() - c2
            docs += 1
            if docs % 2500 == 0:
                checkpoints[docs] = rss_mb()
        t_prepare = time.perf_counter() - t0 - t_group
        _report(docs, skipped, grouper, count.stories, time.perf_counter() - t0, 0.0, t_prepare, t_group, checkpoints,
                processes)
        _report_stories(docs, stories_cpu)
        return
    for item in iter_items([folder]):
        if not isinstance(item, RawItem):
            skipped += 1
            continue
        t1 = time.perf_counter()
        doc = prepare(item)
        t2, c2 = time.perf_counter(), time.process_time()
        sig = signature(doc.text, doc.language)
        c3 = time.process_time()
        count.place(doc.id, grouper.add_signature(doc.id, sig, doc.published, doc.via))
        t_group += time.perf_counter() - t2
        stories_cpu["signature"] += c3 - c2
        stories_cpu["placing"] += time.process_time() - c3
        t_prepare += t2 - t1
        docs += 1
        if docs % 2500 == 0:
            checkpoints[docs] = rss_mb()
    elapsed = time.perf_counter() - t0
    _report(docs, skipped, grouper, count.stories, elapsed, elapsed - t_prepare - t_group, t_prepare, t_group,
            checkpoints, 1)
    _report_stories(docs, stories_cpu)


def _report_stories(docs: int, cpu: dict[str, float]) -> None:
    per_doc = ", ".join(f"{k} {v / max(docs, 1) * 1e3:.3f}" for k, v in cpu.items() if v)
    print(f"  stories CPU ms/document: {per_doc}, total {sum(cpu.values()) / max(docs, 1) * 1e3:.3f}")


def _report(docs: int, skipped: int, grouper: StoryGrouper, stories: int, elapsed: float, t_read: float,
            t_prepare: float, t_group: float, checkpoints: dict[int, float], processes: int) -> None:
    print(f"documents: {docs}  skipped: {skipped}  stories: {stories}  (grouper window {grouper.window}, "
          f"holding {len(grouper.placed)} documents of {len(grouper.stories)} stories)")
    print(f"read+clean+meta+language+stories: {elapsed:.1f} s  ->  {docs / elapsed:.0f} documents/s")
    if processes > 1:
        print(f"  {processes} worker processes read-prepared-signed; grouping in the main process took {t_group:.1f} s")
    else:
        print(f"  of which reading {t_read:.1f} s, clean+meta+language {t_prepare:.1f} s, "
              f"story grouping (signature + placing) {t_group:.1f} s")
    for k, v in checkpoints.items():
        print(f"peak RSS after {k} documents: {v:.0f} MiB")
    print(f"peak RSS at the end ({docs} documents): {rss_mb():.0f} MiB")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--keep", help="write the articles here and keep them")
    ap.add_argument("--window", type=int, help="documents the story grouper keeps comparable")
    ap.add_argument("--processes", type=int, default=1, help="worker processes for cleaning and signatures")
    args = ap.parse_args(argv)
    folder = args.keep or tempfile.mkdtemp(prefix="minewatch-bench-")
    os.makedirs(folder, exist_ok=True)
    try:
        t = time.perf_counter()
        generate(folder, args.n)
        print(f"generated {args.n} articles in {time.perf_counter() - t:.1f} s under {folder}", file=sys.stderr)
        # Warm-up outside the timing: the language models and regex tables load once per process.
        prepare(RawItem("warmup", "text", text="The parliament voted to leave the treaty on Tuesday, officials said."))
        run(folder, args.window, args.processes)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
