"""Expression → expected range, unit and currency, one row per way news writes a value."""

from __future__ import annotations

import pytest

from minewatch.extract.values import ValueMention, find_values

N = None

# (text, expected mention text, low, high, unit, currency)
CASES: list[tuple[str, str, float | None, float | None, str | None, str | None]] = [
    # digit groups
    ("The depot held 1,340 crates.", "1,340 crates", 1340, 1340, "crates", N),
    ("A total of 165 080 items were counted.", "165 080 items", 165080, 165080, "items", N),
    ("It listed 12\u00a0500 shells.", "12\u00a0500 shells", 12500, 12500, "shells", N),
    ("They reported 2,029 people were killed.", "2,029 people", 2029, 2029, "people", N),
    ("a figure of 1,234,567 in total", "1,234,567", 1234567, 1234567, N, N),
    ("He counted 7 shells.", "7 shells", 7, 7, "shells", N),
    ("an average of 2.5 items", "2.5 items", 2.5, 2.5, "items", N),
    # scale words
    ("Some 1.5 million people fled.", "Some 1.5 million people", 1350000, 1650000, "people", N),
    ("It bought 1.5 million shells.", "1.5 million shells", 1500000, 1500000, "shells", N),
    ("They own one million mines.", "one million mines", 1000000, 1000000, "mines", N),
    ("It makes 2 thousand shells a year.", "2 thousand shells", 2000, 2000, "shells", N),
    ("half a million mines", "half a million mines", 500000, 500000, "mines", N),
    ("a million landmines", "a million landmines", 1000000, 1000000, "mines", N),
    # number words
    ("Two officials spoke.", "Two officials", 2, 2, "officials", N),
    ("a dozen observers", "a dozen observers", 12, 12, "observers", N),
    ("two dozen observers", "two dozen observers", 24, 24, "observers", N),
    ("twenty-five soldiers", "twenty-five soldiers", 25, 25, "people", N),
    ("one hundred and twenty civilians", "one hundred and twenty civilians", 120, 120, "people", N),
    ("three thousand mines", "three thousand mines", 3000, 3000, "mines", N),
    ("one victim was named", "one victim", 1, 1, "people", N),
    # the vague-magnitude table of claims.md
    ("thousands of mines", "thousands of mines", 1000, 9999, "mines", N),
    ("tens of thousands of mines", "tens of thousands of mines", 10000, 99999, "mines", N),
    ("hundreds of thousands of mines", "hundreds of thousands of mines", 100000, 999999, "mines", N),
    ("millions of mines", "millions of mines", 1000000, 9999999, "mines", N),
    ("tens of millions of shells", "tens of millions of shells", 10000000, 99999999, "shells", N),
    ("hundreds of millions of euros", "hundreds of millions of euros", 100000000, 999999999, N, "EUR"),
    ("Tens of thousands of mines, or more, will be bought.", "Tens of thousands of mines, or more", 10000, N, "mines", N),
    ("several hundred thousand mines", "several hundred thousand mines", 300000, 999999, "mines", N),
    ("millions of Euros", "millions of Euros", 1000000, 9999999, N, "EUR"),
    # modifiers
    ("more than 1 million mines", "more than 1 million mines", 1000000, N, "mines", N),
    ("over 200 victims", "over 200 victims", 200, N, "people", N),
    ("Over 80,000 square kilometres", "Over 80,000 square kilometres", 80000, N, "km2", N),
    ("at least 5 soldiers", "at least 5 soldiers", 5, N, "people", N),
    ("500 mines or more", "500 mines or more", 500, N, "mines", N),
    ("1,000+ shells", "1,000+ shells", 1000, N, "shells", N),
    ("up to 1,000 mines", "up to 1,000 mines", N, 1000, "mines", N),
    ("less than 50 shells", "less than 50 shells", N, 50, "shells", N),
    ("fewer than 30 children", "fewer than 30 children", N, 30, "people", N),
    ("about 3,000 people", "about 3,000 people", 2700, 3300, "people", N),
    ("around 400 mines", "around 400 mines", 360, 440, "mines", N),
    ("some 100 casualties", "some 100 casualties", 90, 110, "people", N),
    ("nearly 200 victims", "nearly 200 victims", 180, 220, "people", N),
    ("approximately 600 bunkers", "approximately 600 bunkers", 540, 660, "bunkers", N),
    ("well over one million mines", "well over one million mines", 1000000, N, "mines", N),
    # ranges: never averaged
    ("18 to 25 shells", "18 to 25 shells", 18, 25, "shells", N),
    ("between 10 and 20 mines", "between 10 and 20 mines", 10, 20, "mines", N),
    ("5-7 shells", "5-7 shells", 5, 7, "shells", N),
    ("5–7 shells", "5–7 shells", 5, 7, "shells", N),
    ("10-20 million euros", "10-20 million euros", 10000000, 20000000, N, "EUR"),
    ("between 100,000 and 1 million mines", "between 100,000 and 1 million mines", 100000, 1000000, "mines", N),
    ("from 10 to 20 soldiers", "from 10 to 20 soldiers", 10, 20, "people", N),
    # money
    ("€100 million", "€100 million", 100000000, 100000000, N, "EUR"),
    ("EUR 20m", "EUR 20m", 20000000, 20000000, N, "EUR"),
    ("$1.2bn", "$1.2bn", 1200000000, 1200000000, N, "USD"),
    ("US$5 million", "US$5 million", 5000000, 5000000, N, "USD"),
    ("800 million zlotys", "800 million zlotys", 800000000, 800000000, N, "PLN"),
    ("PLN 2.5 billion", "PLN 2.5 billion", 2500000000, 2500000000, N, "PLN"),
    ("£40m", "£40m", 40000000, 40000000, N, "GBP"),
    ("20 million USD", "20 million USD", 20000000, 20000000, N, "USD"),
    ("5 billion hryvnias", "5 billion hryvnias", 5000000000, 5000000000, N, "UAH"),
    ("300 million Swedish kronor", "300 million Swedish kronor", 300000000, 300000000, N, "SEK"),
    ("approximately €220,000", "approximately €220,000", 198000, 242000, N, "EUR"),
    ("€10–20 million", "€10–20 million", 10000000, 20000000, N, "EUR"),
    ("1.2 billion rubles", "1.2 billion rubles", 1200000000, 1200000000, N, "RUB"),
    # lengths, areas, percentages
    ("a 1,340-kilometre border", "1,340-kilometre", 1340, 1340, "km", N),
    ("the 400-kilometer land border", "400-kilometer", 400, 400, "km", N),
    ("a border of 1,340 km", "1,340 km", 1340, 1340, "km", N),
    ("80,000 square kilometres", "80,000 square kilometres", 80000, 80000, "km2", N),
    ("80 000 km²", "80 000 km²", 80000, 80000, "km2", N),
    ("120 sq km", "120 sq km", 120, 120, "km2", N),
    ("0.2% of GDP", "0.2% of GDP", 0.2, 0.2, "percent_gdp", N),
    ("5 percent of gross domestic product", "5 percent of gross domestic product", 5, 5, "percent_gdp", N),
    ("86 percent", "86 percent", 86, 86, "percent", N),
    ("84%", "84%", 84, 84, "percent", N),
    ("20m from the road", "20m", 20, 20, "m", N),
    ("€1.5bn-€2bn", "€1.5bn-€2bn", 1500000000, 2000000000, N, "EUR"),
    ("between €5m and €10m", "between €5m and €10m", 5000000, 10000000, N, "EUR"),
    ("2,5 million euros", "2,5 million euros", 2500000, 2500000, N, "EUR"),
    ("1.8m people", "1.8m people", 1800000, 1800000, "people", N),
    ("one or two mines", "one or two mines", 1, 2, "mines", N),
    ("roughly 2,000–3,000 mines", "roughly 2,000–3,000 mines", 2000, 3000, "mines", N),
    ("5 to 10 percent", "5 to 10 percent", 5, 10, "percent", N),
    ("dozens of civilians", "dozens of civilians", 24, 143, "people", N),
    ("a few hundred soldiers", "a few hundred soldiers", 200, 999, "people", N),
    # casualty nouns count people
    ("1,003 people were killed", "1,003 people", 1003, 1003, "people", N),
    ("12 civilians died", "12 civilians", 12, 12, "people", N),
    ("40 casualties", "40 casualties", 40, 40, "people", N),
    ("3 children were hurt", "3 children", 3, 3, "people", N),
    ("2 dead", "2 dead", 2, 2, "people", N),
]


def _only(text: str) -> ValueMention:
    found = find_values(text)
    assert len(found) == 1, found
    return found[0]


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize(("text", "span", "low", "high", "unit", "currency"), CASES)
def test_value(
    text: str, span: str, low: float | None, high: float | None, unit: str | None, currency: str | None
) -> None:
    v = _only(text)
    assert v.text == span
    assert v.text == text[v.start : v.end]
    assert (v.low, v.high) == (pytest.approx(low) if low is not None else None, pytest.approx(high) if high is not None else None)
    assert v.unit == unit
    assert v.currency == currency
    assert v.kind == ("money" if currency else "quantity")


def test_two_currencies_in_one_sentence() -> None:
    found = find_values("In total, 10 billion zlotys ($2.5 billion) were set aside.")
    assert [(v.low, v.currency) for v in found] == [(10_000_000_000, "PLN"), (2_500_000_000, "USD")]


def test_modifiers_open_the_right_end() -> None:
    at_least, at_most = find_values("at least 5 shells and up to 9 shells")
    assert (at_least.low, at_least.high) == (5, None)
    assert (at_most.low, at_most.high) == (None, 9)


def test_conversion_to_claim_fields() -> None:
    (money,) = find_values("hundreds of millions of euros")
    assert money.to_money().to_dict() == {
        "low": 100000000, "high": 999999999, "currency": "EUR", "text": "hundreds of millions of euros"
    }
    (qty,) = find_values("Tens of thousands of mines, or more")
    assert qty.to_range().to_dict() == {
        "low": 10000, "high": None, "unit": "mines", "text": "Tens of thousands of mines, or more"
    }
