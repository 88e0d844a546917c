"""Cross-language copies: a text in another language that repeats a report's background but
reports another event stays out of that report's story; a translation still joins.

Undated texts carry no date to tell two events apart, and a short copy's few names are all
found in any long report on the subject, so the cross-language rule also asks that the shared
names sit together, in each text, in a passage about as long as the other text."""

from __future__ import annotations

import pytest

from minewatch.stories import (
    PASSAGE_CHARS,
    Signature,
    StoryGrouper,
    anchor_passages,
    entry_for,
    match,
    signature,
)

#: An English wire report on production plans: its names and figures spread over its whole length.
PRODUCTION = (
    "Ruritania and Freedonia intend to begin making anti-personnel mines in 2026, officials of the two "
    "neighbours told Reuters this week, pointing to the growing pressure on their eastern frontier.\n\n"
    "Both governments notified the United Nations this spring that they were quitting the 1997 Ottawa "
    "Convention, which outlaws the use, stockpiling and transfer of such mines. The withdrawal becomes "
    "effective six months after the notice, and only then may a factory start work.\n\n"
    "Sylvania and Borduria have started the same procedure but have announced no plans of their own. "
    "Officials in Zenda and Strelsau said their plants could switch to mines within weeks if required, "
    "and the governments of all four insist that any mines would be laid only for defence.\n\n"
    "The decision reflects a wider worry in the region that the conflict further east could spread. "
    "Alliance members agreed last month to raise their military budgets sharply over the coming decade, "
    "and several have ordered artillery, drones and air defence systems since then.\n\n"
    "Ruritania's Deputy Defence Minister Tomas Varga said the country would spend hundreds of millions of "
    "euros on anti-tank and anti-personnel mines in the years ahead. \"We will order tens of thousands of "
    "them, perhaps more,\" he said, adding that domestic industry would be one of the suppliers.\n\n"
    "Freedonia shares a 940-kilometre border with Borduria and wants a supply of its own as well, said "
    "Erik Halme, who chairs the defence committee of its parliament. He said that keeping stocks at home "
    "was a matter of security of supply rather than of policy.\n\n"
    "Once the lines are running, Ruritania could also deliver mines to Carpathia, said Ilze Novak, head of "
    "the Ruritanian Defence Industry Association."
)
#: An English agency report of another event (the withdrawal took effect) that repeats the
#: production plans as background in its last paragraph.
EFFECTIVE = (
    "Ruritania has officially left the Convention on the Prohibition of the Use, Stockpiling, Production "
    "and Transfer of Anti-Personnel Mines and on Their Destruction (Ottawa Convention), TASS reports.\n\n"
    "\"Six months have passed since the UN Secretary-General was notified of the withdrawal,\" the "
    "Ruritanian Foreign Ministry said in a statement.\n\n"
    "Leaving the convention allows the country to use, store and produce such mines. As Ruritania's Deputy "
    "Defence Minister Tomas Varga said earlier, after leaving the Ottawa Convention Ruritania plans to start "
    "producing anti-personnel mines together with Freedonia in 2026, for its own needs and for delivery to "
    "Carpathia. Hundreds of millions of euros are to be spent on this. Besides anti-personnel mines, the "
    "partners plan to make anti-tank mines."
)
#: A Russian copy of EFFECTIVE's background paragraph alone (as a portal keeps it).
RUSSIAN_BACKGROUND = (
    "Выход из конвенции позволяет применять, хранить и производить такие боеприпасы. Как ранее заявлял "
    "замминистра обороны Руритании Томас Варга, после выхода из Оттавской конвенции Руритания в 2026 году "
    "вместе с Фридонией начнет выпуск противопехотных мин для своих нужд и для передачи Карпатии. На эти "
    "цели планируется выделить сотни миллионов евро. Помимо противопехотных, партнеры собираются выпускать "
    "и противотанковые мины."
)
#: A Lithuanian report of the withdrawal taking effect, with the same background.
LITHUANIAN_EFFECTIVE = (
    "Ruritanija oficialiai pasitraukė iš Otavos konvencijos, nes praėjo šeši mėnesiai nuo tada, kai apie "
    "sprendimą buvo informuotas JT generalinis sekretorius, pranešė Ruritanijos užsienio reikalų ministerija.\n\n"
    "Kaip anksčiau sakė Ruritanijos krašto apsaugos viceministras Tomas Varga, Ruritanija 2026 metais kartu su "
    "Fredonija pradės gaminti priešpėstines minas savo reikmėms ir perdavimui Karpatijai. Tam numatyta skirti "
    "šimtus milijonų eurų."
)
#: A Russian translation of the whole PRODUCTION report.
RUSSIAN_PRODUCTION = (
    "Руритания и Фридония намерены начать выпуск противопехотных мин в 2026 году, сообщили агентству Reuters "
    "представители двух соседних стран, сославшись на растущее давление на восточной границе.\n\n"
    "Весной оба правительства уведомили ООН о выходе из Оттавской конвенции 1997 года, запрещающей "
    "применение, накопление и передачу таких мин. Выход вступает в силу через шесть месяцев после "
    "уведомления, и только тогда заводы смогут начать работу.\n\n"
    "Сильвания и Бордурия начали ту же процедуру, но о собственных планах не объявляли. Чиновники в Зенде и "
    "Штрельзау заявили, что их предприятия при необходимости смогут перейти на выпуск мин за несколько "
    "недель, а правительства всех четырех стран настаивают, что мины будут устанавливаться только для обороны.\n\n"
    "Решение отражает более широкую тревогу в регионе, что конфликт может распространиться. В прошлом месяце "
    "члены альянса договорились резко увеличить военные бюджеты в ближайшее десятилетие, и с тех пор "
    "несколько стран заказали артиллерию, беспилотники и системы ПВО.\n\n"
    "Заместитель министра обороны Руритании Томас Варга заявил, что страна потратит сотни миллионов евро на "
    "противотанковые и противопехотные мины в ближайшие годы. «Мы закажем десятки тысяч, а может быть, и "
    "больше», — сказал он, добавив, что одним из поставщиков станет отечественная промышленность.\n\n"
    "Протяженность границы Фридонии с Бордурией составляет 940 километров, и она тоже хочет иметь "
    "собственные запасы, сказал Эрик Халме, председатель комитета парламента по обороне. По его словам, "
    "хранение запасов дома — вопрос надежности поставок, а не политики.\n\n"
    "Когда линии заработают, Руритания сможет поставлять мины и Карпатии, сказала Илзе Новак, глава "
    "Ассоциации оборонной промышленности Руритании."
)


def group(texts: list[tuple[str, str, str, tuple[str, ...]]]) -> dict[str, str]:
    g = StoryGrouper()
    return {name: g.add(name, text, None, via, lang) for name, text, lang, via in texts}


DOCS = {
    "production": (PRODUCTION, "en", ("Reuters",)),
    "effective": (EFFECTIVE, "en", ("TASS",)),
    "ru_background": (RUSSIAN_BACKGROUND, "ru", ()),
    "lt_effective": (LITHUANIAN_EFFECTIVE, "lt", ()),
    "ru_production": (RUSSIAN_PRODUCTION, "ru", ()),
}


@pytest.mark.parametrize("order", ["forward", "reversed"])
def test_background_copy_joins_its_own_report_not_the_one_it_repeats(order: str) -> None:
    names = ["production", "effective", "ru_background", "lt_effective", "ru_production"]
    if order == "reversed":
        names.reverse()
    s = group([(n, *DOCS[n]) for n in names])
    assert s["ru_background"] == s["effective"]
    assert s["ru_production"] == s["production"]
    assert s["production"] != s["effective"]
    assert s["lt_effective"] != s["production"]


def test_rule_pairwise_as_the_key_path_compares() -> None:
    """``match`` on pairs, both ways round (the key path compares pairs, not arrivals)."""
    entries = {n: entry_for(n, signature(t, lang), None, via) for n, (t, lang, via) in DOCS.items()}

    def joined(a: str, b: str) -> str | None:
        m1, m2 = match(entries[a], entries[b]), match(entries[b], entries[a])
        assert bool(m1) == bool(m2)
        return m1[0] if m1 else None

    assert joined("ru_background", "effective") == "cross_language"
    assert joined("ru_production", "production") == "cross_language"
    assert joined("ru_background", "production") is None
    assert joined("lt_effective", "production") is None
    assert joined("production", "effective") is None


def test_anchor_passages_and_signature_keep_where_anchors_sit() -> None:
    text = "Officials of Ruritania met. " + "x " * (PASSAGE_CHARS // 2) + "Then Carpathia and Ruritania spoke in 2026."
    where = anchor_passages(text)
    assert where["rurit"] == 0b11 and where["karpa"] == 0b10 and where["2026"] == 0b10
    sig = signature(text, "en")
    back = Signature.from_bytes(sig.to_bytes())
    assert (back.passages == sig.passages).all() and back.n_blocks == sig.n_blocks == 2
    assert sorted(back.passages.tolist()) == sorted(where.values())


def _as_v3(sig: Signature) -> bytes:
    """The signature in the layout stored before passages were kept (MWS3: no passage count, no masks)."""
    blob = sig.to_bytes()
    head = Signature._HEAD.unpack_from(blob, 0)
    old = Signature._HEAD_V3.pack(b"MWS3", 3, *head[2:7])
    body = blob[Signature._HEAD.size:]
    return old + body[: len(body) - 8 * sig.anchors.size]


def test_a_signature_stored_before_passages_is_still_read_and_compared() -> None:
    """A store written by the previous release keeps grouping its documents with new ones: the old
    layout loads (passages unknown) and the cross-language rule judges it as it did then."""
    sig = signature(RUSSIAN_PRODUCTION, "ru")
    old = Signature.from_bytes(_as_v3(sig))
    assert old.passages is None and (old.anchors == sig.anchors).all() and old.shingles.tolist() == sig.shingles.tolist()
    g = StoryGrouper()
    g.add("production", PRODUCTION, None, ("Reuters",), "en")
    assert g.add_signature("ru_old", _as_v3(sig), None, (), story_id="s-ru") == "s-ru"
    assert "ru_old" in g.entries  # compared with what comes next, not only restored
    # the old rule (no passage test) joined this pair; with passages unknown it still does
    assert match(entry_for("ru", old, None, ()), entry_for("p", signature(PRODUCTION, "en"), None, ("Reuters",)))
