"""Claim candidates: every (sentence, actor, predicate) the lexicons make possible, as features.

The rules in ``extractor.py`` decide a claim only where a phrasing was foreseen; news keeps
finding new ones.  Candidates are proposed generously instead — any sentence with a predicate
cue and an actor mention (named, grouped, or resolved by the rules) — and described by cheap
string features (words around the actor and the cue, what lies between them, what the rules
made of the sentence) that a trained model weighs.  Nothing here parses: features come from
the regex-cheap preparation the extractor already did, so candidates cost almost nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from minewatch.extract.actors import ActorMention
from minewatch.extract.rules import lexicon, phrase
from minewatch.extract.triggers import Cue
from minewatch.model import TREATY_PREDICATES, Actor, ActorKind, Claim, Predicate

_WORD = re.compile(r"[a-z][a-z'’-]*|\d[\d,.]*")
#: Mention kinds that locate an event rather than perform it: candidates only for predicates told
#: of a place (casualties and clearance happen *in* a state).
_PLACE_KINDS = frozenset({"place"})
_PLACE_PREDICATES = frozenset({Predicate.CASUALTIES, Predicate.CLEARANCE, Predicate.USE})
#: The actor of a worldwide total ("worldwide", "in 51 countries"), as the rules name it.
WORLD = Actor(kind=ActorKind.ORGANIZATION, iso3=None, name="world")
#: Predicates a worldwide total is told of.
_GLOBAL_PREDICATES = frozenset({Predicate.CASUALTIES})


def _body_re() -> re.Pattern[str]:
    """A state body named without its state ("the navy", "junta troops"): it acts for the state the
    article is about.  The words are the ``acting_bodies`` rows."""
    bodies = sorted(lexicon()["acting_bodies"], key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(b) for b in bodies) + r")\b", re.IGNORECASE)


_BODY = _body_re()
#: "worldwide", "in 51 countries": a total that belongs to the world (rows ``global_words`` and
#: the phrase ``global_counts``)
_GLOBAL = re.compile(r"\b(?:" + "|".join(lexicon()["global_words"]) + r")\b|" + phrase("global_counts").pattern,
                     re.IGNORECASE)


@dataclass
class Candidate:
    """One actor of one sentence that may perform one predicate."""

    sentence: int
    span: tuple[int, int]
    actor: Actor
    predicate: str
    cue: Cue
    mention: ActorMention | None
    features: list[str] = field(default_factory=list)
    #: rule claims of this sentence with this actor and predicate
    rule_claims: list[Claim] = field(default_factory=list)
    #: the spaCy parse of the sentence, where the screen let it through
    parsed: Any = None


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _bucket(n: int) -> str:
    for limit in (0, 2, 5, 10, 20):
        if n <= limit:
            return str(limit)
    return "far"


def _in_sentence(claim: Claim, s: int, e: int) -> bool:
    return any(s <= ev.start < e for ev in claim.evidence)


def _resolve(mention: ActorMention, previous: tuple[Actor, ...]) -> tuple[Actor, ...]:
    if mention.actors:
        return mention.actors
    if mention.kind == "anaphor":
        return previous
    return ()


def candidates(prep: Any, rule_claims: list[Claim], lex: Any, observers: frozenset[str] = frozenset()
               ) -> list[Candidate]:
    """Every candidate of one prepared document (``Extractor.prepare``), with features."""
    text: str = prep.doc.text or ""
    out: list[Candidate] = []
    previous: tuple[Actor, ...] = ()
    mention_counts: Counter[str] = Counter(a.key for m in prep.mentions for a in m.actors)
    home = _home_state(prep)
    doc_pairs = {(c.actor.key, c.predicate) for c in rule_claims}
    carried: list[Cue] = []
    for si, (s, e) in enumerate(prep.sentences):
        sent = text[s:e]
        mentions = [m for m in prep.mentions if s <= m.start and m.end <= e]
        named = tuple(a for m in mentions for a in m.actors if a.kind == ActorKind.STATE)
        cues: list[Cue] = []
        if e - s <= 2000 and (lex.worth_parsing(sent) or lex.any_candidate_cue.search(sent)):
            cues = [Cue(c.start + s, c.end + s, c.label, c.text) for c in lex.candidate_cues(sent)]
        if cues:
            mentions = sorted(mentions + _implicit_mentions(sent, s, mentions, home, cues),
                              key=lambda m: m.start)
        here = [c for c in rule_claims if _in_sentence(c, s, e)]
        if cues:
            out.extend(_sentence_candidates(prep, si, s, e, sent, mentions, previous, cues, here,
                                            doc_pairs, mention_counts, lex, observers))
        elif carried and mentions and e - s <= 2000:
            # a sentence that only lists who ("These are Cuba, India and Pakistan.") continues
            # the previous sentence's predicate
            out.extend(_sentence_candidates(prep, si, s, e, sent, mentions, previous, carried, here,
                                            doc_pairs, mention_counts, lex, observers, carried=True))
        # only a treaty status carries over: "… remain outside the treaty. These are A, B and C."
        # (a list after an activity is rarely its doers: "… the right to produce mines. These are …")
        carried = [c for c in cues if c.label in TREATY_PREDICATES]
        if named:
            previous = tuple(dict.fromkeys(named))
    return out


def _home_state(prep: Any) -> Actor | None:
    """The state an article is about: the one it names most often (the first named on a tie)."""
    counts: Counter[str] = Counter()
    first: dict[str, Actor] = {}
    for m in prep.mentions:
        for a in m.actors:
            if a.kind == ActorKind.STATE and m.kind != "place":
                counts[a.key] += 1
                first.setdefault(a.key, a)
    if not counts:
        return None
    top = max(counts.values())
    return next(a for k, a in first.items() if counts[k] == top)


def _implicit_mentions(sent: str, s: int, mentions: list[ActorMention], home: Actor | None,
                       cues: list[Cue]) -> list[ActorMention]:
    """Actors a sentence implies without naming them: a bare state body ("the navy cleared …",
    "junta troops planted …") stands for the article's state; a worldwide total ("in 51
    countries") for the world.  Kinds of their own, so the model weighs them apart."""
    out: list[ActorMention] = []

    def free(a: int, b: int) -> bool:
        return not any(a < m.end and m.start < b for m in mentions + out)

    if home is not None:
        for m in _BODY.finditer(sent):
            a, b = m.start() + s, m.end() + s
            if free(a, b):
                out.append(ActorMention(a, b, m.group(0), "home_body", (home,)))
    if any(c.label in _GLOBAL_PREDICATES for c in cues):
        for m in _GLOBAL.finditer(sent):
            a, b = m.start() + s, m.end() + s
            if free(a, b):
                out.append(ActorMention(a, b, m.group(0), "global", (WORLD,)))
    return out


def _sentence_candidates(prep: Any, si: int, s: int, e: int, sent: str, mentions: list[ActorMention],
                         previous: tuple[Actor, ...], cues: list[Cue], here: list[Claim],
                         doc_pairs: set[tuple[str, str]], mention_counts: Counter[str], lex: Any,
                         observers: frozenset[str], carried: bool = False) -> list[Candidate]:
    if not cues:
        return []
    text = prep.doc.text
    sent_tokens = _tokens(sent)
    weapons = sorted({w.label for w in prep.weapons if s <= w.start < e})
    treaties = sorted({t.label for t in prep.treaties if s <= t.start < e})
    common = [f"nment:{min(len(mentions), 5)}", f"ncue:{min(len(cues), 4)}"]
    common += [f"weapon:{w}" for w in weapons] or ["weapon:none"]
    common += [f"treaty:{t}" for t in treaties] or ["treaty:none"]
    if si == 0:
        common.append("headline")
    if carried:
        common.append("carried")
    if any(q in sent for q in ('"', "“", "”")):
        common.append("quote")
    pairs: dict[tuple[str, str], Candidate] = {}
    for m in mentions:
        actors = _resolve(m, previous)
        for actor in actors:
            for cue in cues:
                if m.kind in _PLACE_KINDS and cue.label not in _PLACE_PREDICATES:
                    continue
                if m.kind == "global" and cue.label not in _GLOBAL_PREDICATES:
                    continue
                key = (actor.key, cue.label)
                dist = _distance(text, m, cue)
                have = pairs.get(key)
                if have is not None and (have.mention is None or _distance(text, have.mention, have.cue) <= dist):
                    continue
                pairs[key] = Candidate(si, (s, e), actor, cue.label, cue, m)
    # actors the rules found through coreference the mentions alone do not show
    for c in here:
        key = (c.actor.key, c.predicate)
        if key not in pairs:
            cue = next((q for q in cues if q.label == c.predicate), cues[0])
            pairs[key] = Candidate(si, (s, e), c.actor, c.predicate, cue, None)
    out = []
    parsed = None if carried else prep.parsed.get(si)
    for cand in pairs.values():
        cand.parsed = parsed
        cand.rule_claims = [c for c in here if c.actor.key == cand.actor.key and c.predicate == cand.predicate]
        cand.features = _features(cand, text, sent_tokens, mentions, here, doc_pairs, mention_counts,
                                  common, lex, observers)
        out.append(cand)
    return out


def _distance(text: str, m: ActorMention, cue: Cue) -> int:
    a, b = (m.end, cue.start) if m.end <= cue.start else (cue.end, m.start)
    return len(_tokens(text[a:b])) if b > a else 0


def _features(cand: Candidate, text: str, sent_tokens: list[str], mentions: list[ActorMention],
              here: list[Claim], doc_pairs: set[tuple[str, str]], mention_counts: Counter[str],
              common: list[str], lex: Any, observers: frozenset[str]) -> list[str]:
    p = cand.predicate
    m, cue = cand.mention, cand.cue
    f = [f"P:{p}", f"P:{p}|cue:{cue.text.lower()[:24]}", f"cue:{cue.text.lower()[:24]}"]
    if cue.text.startswith("~"):  # a cue only the model reads (``candidate_cues``)
        f += ["model_cue", f"P:{p}|model_cue"]
    f += common + [f"P:{p}|{c}" for c in common]
    f += [f"bow:{w}" for w in set(sent_tokens)] + [f"P:{p}|bow:{w}" for w in set(sent_tokens)]
    kind = m.kind if m is not None else "resolved"
    f += [f"kind:{kind}", f"P:{p}|kind:{kind}", f"akind:{cand.actor.kind}", f"P:{p}|akind:{cand.actor.kind}"]
    if cand.actor.name in observers:
        f += ["observer", f"P:{p}|observer"]
    f.append(f"freq:{_bucket(mention_counts.get(cand.actor.key, 0))}")
    if m is not None:
        side = "before" if m.start < cue.start else "after"
        between = text[m.end:cue.start] if side == "before" else text[cue.end:m.start]
        btw = _tokens(between)
        f += [f"side:{side}", f"P:{p}|side:{side}", f"dist:{_bucket(len(btw))}",
              f"P:{p}|dist:{_bucket(len(btw))}|{side}"]
        f += [f"btw:{w}" for w in btw[:12]] + [f"P:{p}|btw:{w}" for w in btw[:12]]
        if len(btw) <= 3:
            f.append(f"P:{p}|near:{side}:{'_'.join(btw)}")
        lo, hi = sorted((m.start, cue.start))
        if any(lo < o.start < hi and o is not m for o in mentions):
            f += ["mention_between", f"P:{p}|mention_between"]
        pre = _tokens(text[max(0, m.start - 40):m.start])[-3:]
        f += [f"pre:{w}" for w in pre] + [f"P:{p}|pre:{w}" for w in pre]
        if pre:
            f.append(f"pre1:{pre[-1]}")
        post = _tokens(text[m.end:m.end + 40])[:3]
        f += [f"post:{w}" for w in post] + [f"P:{p}|post:{w}" for w in post]
        if post:
            f.append(f"post1:{post[0]}")
        if m.plural:
            f.append("plural")
        if m.count:
            f.append("counted")
        gap_before = any(0 <= m.start - o.end <= 6 and re.fullmatch(r"\s*(?:,|and|or|, and)\s*", text[o.end:m.start])
                         for o in mentions if o is not m)
        gap_after = any(0 <= o.start - m.end <= 6 and re.fullmatch(r"\s*(?:,|and|or|, and)\s*", text[m.end:o.start])
                        for o in mentions if o is not m)
        if gap_before or gap_after:
            f += ["in_list", f"P:{p}|in_list"]
    after_cue = _tokens(text[cue.end:cue.end + 40])[:3]
    f += [f"P:{p}|cpost:{w}" for w in after_cue]
    before_cue = _tokens(text[max(0, cue.start - 40):cue.start])[-3:]
    f += [f"P:{p}|cpre:{w}" for w in before_cue]
    if cand.predicate == Predicate.TREATY_WITHDRAWAL:
        lo, hi = min(cand.span[0], cue.start), max(cand.span[1], cue.end)
        f += [f"wstage:{c.label}" for c in lex.withdrawal_stage_cues(text[lo:hi])]
    elif cand.predicate == Predicate.TREATY_JOINING:
        f.append(f"jstage:{lex.joining_stage(cue.text, '')}")
    # what the rules made of it: the strongest single signal, never the only one
    if cand.rule_claims:
        f += ["rule", f"P:{p}|rule"]
        for c in cand.rule_claims:
            f += [f"rule_mod:{c.modality}", f"rule_pol:{c.polarity}"]
            if c.stage:
                f.append(f"rule_stage:{c.stage}")
    elif (cand.actor.key, p) in doc_pairs:
        f += ["rule_doc", f"P:{p}|rule_doc"]
    if any(c.actor.key == cand.actor.key for c in here) and not cand.rule_claims:
        f.append("rule_actor_other_pred")
    if any(c.predicate == p for c in here) and not cand.rule_claims:
        f += ["rule_pred_other_actor", f"P:{p}|rule_pred_other_actor"]
    if not here:
        f.append("rules_silent")
    if "carried" not in common:
        f += _parse_features(cand.parsed, cand)
    return f


#: How many heads above the cue are read for negation, auxiliaries and governing verbs.
_MODAL_GOVERNORS_DEPTH = 3


def _token_at(spdoc: Any, offset: int) -> Any:
    for t in spdoc:
        if t.idx <= offset < t.idx + len(t) or t.idx > offset:
            return t
    return None


def _parse_features(spdoc: Any, cand: Candidate) -> list[str]:
    """How the actor and the cue hang together in the sentence's parse, where it was parsed:
    subject or object of the cue's verb, negation and auxiliaries on the verbs above the cue,
    the verbs that govern it ("accused … of laying", "plans to produce", "denied")."""
    if spdoc is None:
        return []
    s = cand.span[0]
    p = cand.predicate
    ct = _token_at(spdoc, cand.cue.start - s)
    if ct is None:
        return []
    # the cue's part of speech per predicate: "clear" the verb clears, "clear" the adjective does not
    f = [f"cpos:{ct.pos_}", f"ctag:{ct.tag_}", f"cdep:{ct.dep_}", f"P:{p}|cdep:{ct.dep_}", f"P:{p}|cpos:{ct.pos_}"]
    chain = [ct]
    cur = ct
    for _ in range(_MODAL_GOVERNORS_DEPTH):
        if cur.head is cur:
            break
        cur = cur.head
        chain.append(cur)
    for depth, t in enumerate(chain):
        for child in t.children:
            if child.dep_ == "neg" or child.lower_ in ("never", "no"):
                f += [f"neg:{min(depth, 2)}", f"P:{p}|neg:{min(depth, 2)}"]
            elif child.dep_ in ("aux", "auxpass"):
                f.append(f"aux:{min(depth, 2)}:{child.lemma_.lower()}")
        if depth and t.pos_ in ("VERB", "NOUN", "ADJ"):
            f += [f"gov:{t.lemma_.lower()}", f"P:{p}|gov:{t.lemma_.lower()}"]
        if depth == 0 and t.pos_ == "VERB":
            f.append(f"ctense:{t.morph.get('Tense') and t.morph.get('Tense')[0]}")
    if cand.mention is None:
        return f
    mt = _token_at(spdoc, max(cand.mention.start, cand.mention.end - 1) - s)
    if mt is None:
        return f
    # the mention's own head through compounds, appositions and conjunctions
    mh = mt
    while mh.dep_ in ("compound", "conj", "appos", "poss", "amod") and mh.head is not mh:
        mh = mh.head
    f += [f"mdep:{mh.dep_}", f"P:{p}|mdep:{mh.dep_}", f"P:{p}|mhead:{mh.head.lemma_.lower()}"]
    if mh.dep_ == "pobj":
        f.append(f"P:{p}|mprep:{mh.head.lower_}")
    anc_m = [mh] + list(mh.ancestors)
    anc_c = chain + [t for t in ct.ancestors if t not in chain]
    common = next((t for t in anc_m if t in anc_c), None)
    if common is not None:
        up_m = [t.dep_ for t in anc_m[:anc_m.index(common)]][:3]
        up_c = [t.dep_ for t in anc_c[:anc_c.index(common)]][:3]
        f += [f"path:{'^'.join(up_m)}|{'^'.join(up_c)}", f"P:{p}|path:{'^'.join(up_m)}|{'^'.join(up_c)}",
              f"lca:{common.lemma_.lower()}", f"lcadist:{min(len(up_m) + len(up_c), 6)}"]
        if mh.dep_ in ("nsubj", "nsubjpass", "agent") and mh.head in chain:
            f += ["subj_of_cue", f"P:{p}|subj_of_cue"]
        if mh.dep_ in ("dobj", "pobj", "dative") and mh.head in chain:
            f += ["obj_of_cue", f"P:{p}|obj_of_cue"]
    else:
        f.append("no_lca")
    return f
