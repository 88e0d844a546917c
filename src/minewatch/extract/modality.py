"""Modality (actual / planned / considered) and polarity of a mention.

A claim's weight depends on whether it happened, is intended, or is merely possible:
"Lithuania will order mines" and "Lithuania could order mines" must not reconcile as the
same fact.  The cue words are data (``rules/en/``); what this module adds is *scope*:
only words on the path from the cue up to the clause that names the actor, and their
auxiliaries, count — a "could" in another clause of the sentence does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from minewatch.extract.rules import lexicon, words
from minewatch.model import Modality, Polarity

#: Dependencies whose words qualify the head they hang from ("will", "not", "never", "plans").
_QUALIFIER_DEPS = frozenset({"aux", "auxpass", "neg", "advmod", "prt", "amod", "compound", "acomp", "attr"})
#: Modal verbs count only as modals (tag MD): "May" the month and "will" the noun do not.
_MODAL_WORDS = frozenset(words("modal_words"))
# the other words this module reads; each is a row of rules/en/ with its reason and a tested example
_NEGATIVE_SUBJECT_STARTS = frozenset(words("negative_subject_starts"))
_NEGATIVE_DETERMINERS = frozenset(words("negative_determiners"))
_UNTIL_PREPS = frozenset(words("until_preps"))
_OPEN_QUESTION_MARKS = frozenset(words("open_question_marks"))
_REPORTED_FUTURE = frozenset(words("reported_future_modals"))


class ModalityLexicon:
    def __init__(self) -> None:
        lex = lexicon()
        mod = lex["modality"]
        self.considered = re.compile(r"(?:" + "|".join(mod["considered"]) + r")\Z", re.IGNORECASE)
        self.planned = re.compile(r"(?:" + "|".join(mod["planned"]) + r")\Z", re.IGNORECASE)
        self.negation = re.compile(r"(?:" + "|".join(lex["negations"]) + r")\Z", re.IGNORECASE)
        self.shifting = re.compile(r"(?:" + "|".join(lex["negation_shifting_verbs"]) + r")\Z", re.IGNORECASE)
        self.past_speech = frozenset(v for v in lex["speech_verbs"] if " " not in v and v.endswith(("ed", "told", "wrote", "said")))
        self.denial = re.compile(r"(?:" + "|".join(lex["denial_verbs"]) + r")\Z", re.IGNORECASE)
        self.considered_phrases = re.compile(
            r"\b(?:" + "|".join(lex["considered_sentence_cues"]) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def modality_lexicon() -> ModalityLexicon:
    return ModalityLexicon()


def scope_tokens(chain: Sequence[Any]) -> list[Any]:
    """The cue's path to its clause head plus the words that qualify each step."""
    out = list(chain)
    for tok in chain:
        out.extend(c for c in tok.children if c.dep_ in _QUALIFIER_DEPS)
    return out


def _is_cue(tok: Any, rx: re.Pattern[str]) -> bool:
    text = tok.text.lower().replace("’", "'")
    if text in _MODAL_WORDS and tok.tag_ != "MD":
        return False
    return bool(rx.match(text))


def modality_of(chain: Sequence[Any], clause_text: str, default: str = Modality.ACTUAL,
                skip: Iterable[Any] = ()) -> str:
    """The weakest modality marked in scope: a "could" beats a "will" ("will be able to")."""
    lex = modality_lexicon()
    skipped = {t.i for t in skip}
    toks = [t for t in scope_tokens(chain) if t.i not in skipped]
    considered = [t for t in toks if _is_cue(t, lex.considered)]
    if considered and not _future_in_the_past(considered, chain, lex) or lex.considered_phrases.search(clause_text):
        return Modality.CONSIDERED
    if considered:
        return Modality.PLANNED
    if any(_is_cue(t, lex.planned) for t in toks):
        return Modality.PLANNED
    return default


_FAILING = frozenset(words("failing"))
_CESSATION = frozenset(words("cessation_verbs"))


def polarity_of(chain: Sequence[Any], clause_text: str, sentence_text: str = "") -> tuple[str, str | None]:
    """(polarity, modality override): "have not announced plans … being considered" is an
    affirmed *considered* claim, not a negated planned one."""
    lex = modality_lexicon()
    for k, tok in enumerate(_until_coordination(chain)):
        if k and lex.denial.match(tok.lower_):
            return Polarity.NEGATED, None  # "denies planting mines", "rejected claims that it laid"
        if k and tok.lower_ in _FAILING and chain[k - 1].dep_ == "xcomp":
            return Polarity.NEGATED, None  # "mines it has been unable to destroy", "failed to clear"
        if k and tok.lower_ in _CESSATION and chain[k - 1].dep_ == "xcomp" and chain[k - 1].tag_ == "VBG":
            return Polarity.NEGATED, None  # "stopped exporting mines in 1995": no longer done
        negs = [c for c in tok.children if c.dep_ in ("neg", "det", "advmod") and _is_negation(c, lex)]
        # "had no mines in its arsenal": the object's "no" denies the verb
        negs += [c for c in tok.children if c.dep_ == "dobj" and any(
            d.dep_ == "det" and d.lower_ == "no" for d in c.children)]
        # "neither the US nor China have joined", "none of the states has"
        negs += [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")
                 and c.left_edge.lower_ in _NEGATIVE_SUBJECT_STARTS]
        if k and tok.lower_.startswith("rul") and any(c.lower_ == "out" and c.dep_ == "prt" for c in tok.children):
            # "has not ruled out making them": weighed; "ruled out buying them": refused
            return (Polarity.AFFIRMED, Modality.CONSIDERED) if negs else (Polarity.NEGATED, None)
        if tok.dep_ == "neg" or negs:
            if any(c.dep_ == "prep" and c.lower_ in _UNTIL_PREPS and any(
                    d.like_num or d.ent_type_ == "DATE" for d in c.subtree) for c in tok.children):
                return Polarity.AFFIRMED, None  # "did not ratify it until 2012": it did, in 2012
            if lex.shifting.match(tok.text.lower()) and lex.considered_phrases.search(sentence_text or clause_text):
                return Polarity.AFFIRMED, Modality.CONSIDERED
            if tok.lower_.startswith("decid") and k and (
                    any(c.lower_ == "yet" for c in tok.children)
                    or any(c.dep_ == "mark" and c.lower_ in _OPEN_QUESTION_MARKS for c in chain[k - 1].children)):
                # "has not yet decided to buy them", "has not decided whether to leave": still weighed
                return Polarity.AFFIRMED, Modality.CONSIDERED
            return Polarity.NEGATED, None
    return Polarity.AFFIRMED, None


_FORMS_OF_BE = frozenset({"be", "is", "are", "was", "were", "been", "being", "'s", "’s"})


def _until_coordination(chain: Sequence[Any]) -> list[Any]:
    """"Russia is not a party … and has used mines": a negation does not cross "and"."""
    out = []
    for tok in chain:
        out.append(tok)
        if tok.dep_ == "conj" and not _listed_activity(tok):
            break
        if tok.dep_ in ("csubj", "csubjpass") and tok.head.lower_ not in _FORMS_OF_BE:
            break  # "leaving the treaty does not affect its commitments": the main verb's "not" is its own
        if tok.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "having" for c in tok.children):
            break  # "does not hold any, having destroyed its stocks": the participle is told as done
    return out


def _listed_activity(tok: Any) -> bool:
    """"no intention of developing, stockpiling or deploying mines": a list of activities with no
    subject of its own shares the word that governs the list, negation included."""
    first = tok
    while first.dep_ == "conj" and first.head != first:
        first = first.head
    return first.dep_ in ("pcomp", "xcomp") and not any(
        c.dep_ in ("nsubj", "nsubjpass") for t in (tok, first) for c in t.children)


def _is_negation(tok: Any, lex: ModalityLexicon) -> bool:
    if tok.dep_ == "neg":
        return True
    return tok.lower_ in _NEGATIVE_DETERMINERS


#: Links a reported clause may hang from on its way up to the verb that denies it.
_DENIAL_PATH = frozenset({"ccomp", "xcomp", "acl", "dobj", "pcomp", "pobj", "prep", "relcl"})


def denied(top: Any) -> bool:
    """"Minsk denies planting mines", "rejected claims that it had laid mines": the clause is
    the content of a denial somewhere above it (a plain "not" up there does not count)."""
    lex = modality_lexicon()
    cur = top
    for _ in range(5):
        if cur.dep_ not in _DENIAL_PATH or cur.head == cur:
            return False
        cur = cur.head
        if lex.denial.match(cur.lower_):
            return True
    return False


def _future_in_the_past(considered: list[Any], chain: Sequence[Any], lex: ModalityLexicon) -> bool:
    """"He said Tallinn would deposit its instrument": a "would" reported under a past verb of
    saying is the speaker's "will", a plan, not a possibility."""
    if not considered or any(t.lower_ not in _REPORTED_FUTURE for t in considered):
        return False
    top = chain[-1]
    for tok in (*chain, top.head):
        if tok.dep_ == "ccomp" and tok.head.lower_ in lex.past_speech:
            return True
    return False
