"""minewatch's claim extraction as a registered spaCy component.

``nlp.add_pipe("minewatch_claims")`` puts the claims of each processed text on ``doc._.claims``, so the
extractor can sit in any English pipeline next to other components.  The claims are the ones
``Extractor.extract`` gives for the same text: the component screens and parses sentence by sentence
with the host pipeline's own tagger and parser (running only the components the extractor uses, and
never itself), because claims read their offsets and parses per sentence, not off the whole-text parse.
Set ``doc._.published`` before the component runs (``nlp(doc)`` on a ``nlp.make_doc`` result) to date
relative phrases ("on Thursday") and tell plans from facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc

from minewatch.extract.extractor import Extractor
from minewatch.extract.nlp import DISABLED_COMPONENTS
from minewatch.model import Claim, Document

FACTORY = "minewatch_claims"

for _name, _default in (("claims", None), ("published", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)

_CLAIM_KEY = "__minewatch_claim__"


def _encode_claim(obj: Any, chain: Any = None) -> Any:
    """Claims travel in ``Doc.to_bytes`` (``nlp.pipe(n_process=2)`` ships docs back that way)."""
    if isinstance(obj, Claim):
        return {_CLAIM_KEY: {**obj.to_dict(), "document_id": obj.document_id}}
    return obj if chain is None else chain(obj)


def _decode_claim(obj: Any, chain: Any = None) -> Any:
    if isinstance(obj, dict) and _CLAIM_KEY in obj:
        return Claim.from_dict(obj[_CLAIM_KEY])
    return obj if chain is None else chain(obj)


srsly.msgpack_encoders.register("minewatch_claim", func=_encode_claim)
srsly.msgpack_decoders.register("minewatch_claim", func=_decode_claim)


class _HostParser:
    """The host pipeline as the extractor's sentence parser: its parsing components, without ours."""

    def __init__(self, nlp: Language, skip: Iterable[str]) -> None:
        self.nlp = nlp
        self.skip = tuple(skip)

    def pipe(self, texts: Iterable[Any], **kwargs: Any) -> Iterator[Any]:
        disable = [n for n in self.nlp.pipe_names if n in self.skip or n in DISABLED_COMPONENTS]
        with self.nlp.select_pipes(disable=disable):
            yield from self.nlp.pipe(texts, **kwargs)


class ClaimsComponent:
    """Runs the extractor on ``doc.text`` and stores the claims on ``doc._.claims``."""

    def __init__(self, nlp: Language, name: str = FACTORY) -> None:
        self.name = name
        self.extractor = Extractor(nlp=_HostParser(nlp, skip=(name,)))

    def __call__(self, doc: Doc) -> Doc:
        published = doc._.published
        if published is not None and not isinstance(published, date):
            raise TypeError(f"doc._.published must be a datetime.date, got {published!r}")
        document = Document(text=doc.text, original=doc.text, published=published, language=doc.lang_ or "en")
        claims: list[Claim] = self.extractor.extract(document)
        doc._.claims = claims
        return doc


@Language.factory(FACTORY)
def make_claims_component(nlp: Language, name: str) -> ClaimsComponent:
    """The factory spaCy calls for ``nlp.add_pipe("minewatch_claims")``."""
    return ClaimsComponent(nlp, name)
