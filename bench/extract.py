"""Extraction throughput on generated 600-word articles.

usage: python bench/extract.py [--articles N]

Prints articles/s of ``Extractor.extract_many`` with 1 and 2 processes and the ratio of
whole extraction to a bare ``nlp.pipe`` over the same texts with 2 processes (the
pipeline as extraction loads it).  The articles are built from templates written here:
states, treaty stages, procurement and filler paragraphs in the proportions of news copy.
"""

from __future__ import annotations

import argparse
import random
import time

from minewatch.extract import Extractor
from minewatch.extract.nlp import load_english
from minewatch.model import Document

STATES = ["Finland", "Lithuania", "Latvia", "Estonia", "Poland", "Romania", "Slovakia", "Norway", "Greece",
          "Warsaw", "Helsinki", "the Lithuanian government", "the Finns", "Riga"]
CLAIM_TEMPLATES = [
    "{a} and {b} are preparing to leave the Ottawa Convention, officials said on {day}.",
    "{a}'s parliament voted {n} to {m} to withdraw from the Mine Ban Treaty.",
    "{a} notified the UN Secretary-General of its withdrawal from the Ottawa Convention.",
    "The withdrawal of {a} will take effect six months after the notification.",
    "{a} intends to spend hundreds of millions of euros on anti-tank mines over the coming years.",
    "Deputy Defence Minister Jan Kowalski said {a} could start producing anti-personnel mines in 2027.",
    "{a} would consider supplying mines to Ukraine, the chair of the defence committee said.",
    "{a}, which shares a {n}-kilometre border with Russia, has never joined the Convention on Cluster Munitions.",
    "Both countries decided to withdraw from the treaty.",
]
FILLER = [
    "Analysts in the region said the security situation had changed markedly over the past three years.",
    "The ministry published a long statement about training exercises, logistics and the budget.",
    "Critics argued that the debate had been rushed and that more consultation was needed.",
    "The newspaper's correspondent visited several towns near the frontier and spoke to residents.",
    "Weather conditions delayed several planned events, and the schedule was revised twice.",
    "Opposition parties questioned the cost of the programme during a heated session.",
    "Subscribe to our newsletter for the latest updates on politics, business and culture.",
    "Economists expect growth to slow next year as energy prices remain high across Europe.",
]


def article(rng: random.Random, words: int = 600) -> str:
    parts: list[str] = []
    count = 0
    while count < words:
        if rng.random() < 0.3:
            a, b = rng.sample(STATES, 2)
            s = rng.choice(CLAIM_TEMPLATES).format(a=a, b=b, n=rng.randint(50, 1400), m=rng.randint(1, 40),
                                                   day=rng.choice(["Monday", "Friday"]))
        else:
            s = rng.choice(FILLER)
        s = s[0].upper() + s[1:]
        parts.append(s)
        count += len(s.split())
    return " ".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=400)
    a = ap.parse_args()
    rng = random.Random(7)
    texts = [article(rng) for _ in range(a.articles)]
    docs = [Document(text=t, original=t) for t in texts]
    words = sum(len(t.split()) for t in texts) / len(texts)
    print(f"{len(texts)} generated articles, {words:.0f} words on average")

    extractor = Extractor()
    extractor.extract(docs[0])  # load the pipeline outside the timing
    timings = {}
    for n_process in (1, 2):
        t0 = time.perf_counter()
        claims = sum(len(r) for _, r in extractor.extract_many(docs, n_process=n_process, batch_size=64)
                     if not isinstance(r, Exception))
        timings[n_process] = time.perf_counter() - t0
        print(f"extract_many n_process={n_process}: {len(docs) / timings[n_process]:.1f} articles/s "
              f"({claims} claims)")

    nlp = load_english()
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, n_process=2, batch_size=64):
        pass
    bare = time.perf_counter() - t0
    print(f"bare nlp.pipe n_process=2: {len(texts) / bare:.1f} articles/s")
    print(f"ratio whole extraction / bare nlp.pipe (2 processes): {timings[2] / bare:.2f}")


if __name__ == "__main__":
    main()
