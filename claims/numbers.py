"""Numbers as newspapers write them: digits, number words, ordinals, fractions and multipliers.

Every number is read into a float here and nowhere else; pint never sees the text. `NUMBER` is one
compiled pattern for all forms ("550", "55,000", "5.5 million", "seventy-five", "a quarter", "75th");
`read_number` turns a match of it into a float (or None for text that is not a number).
"""

from __future__ import annotations

import re

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# Written straight after the digits ("$115m", "2bn"); "m" alone is metres unless money comes first.
SCALE_ABBREVIATIONS = {"mn": 1e6, "mln": 1e6, "bn": 1e9, "tn": 1e12}
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "sixtieth": 60,
    "seventieth": 70,
    "eightieth": 80,
    "ninetieth": 90,
    "hundredth": 100,
    "thousandth": 1000,
}
# Denominators: "a quarter", "two thirds", "a tenth"; "half" stands alone.
FRACTIONS = {
    "half": 2,
    "halves": 2,
    "third": 3,
    "thirds": 3,
    "quarter": 4,
    "quarters": 4,
    "fourth": 4,
    "fourths": 4,
    "fifth": 5,
    "fifths": 5,
    "sixth": 6,
    "sixths": 6,
    "seventh": 7,
    "sevenths": 7,
    "eighth": 8,
    "eighths": 8,
    "ninth": 9,
    "ninths": 9,
    "tenth": 10,
    "tenths": 10,
    "hundredth": 100,
    "hundredths": 100,
    "thousandth": 1000,
    "thousandths": 1000,
}
MULTIPLIERS = {
    "once": 1,
    "twice": 2,
    "thrice": 3,
    "double": 2,
    "triple": 3,
    "quadruple": 4,
    "tenfold": 10,
    "hundredfold": 100,
}
SMALL_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3, "⅒": 0.1}


def _alternation(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_WORD = _alternation([*UNITS, *TENS])
_SCALE = _alternation(SCALES)
# "seventy-five", "one hundred and ten", "five million", "a hundred", "two thousand three hundred"
_CARDINAL_WORDS = (
    rf"(?:(?:{_WORD})(?:[\s-](?:{_WORD}))?|an?(?=\s+(?:{_SCALE})\b))"
    rf"(?:(?:\s+|-)(?:{_SCALE})(?:(?:\s+and\s+|\s+|-)(?:{_WORD})(?:[\s-](?:{_WORD}))?)?)*"
)
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_DIGIT_SCALE = rf"(?:\s*(?:{_SCALE})\b|(?:{_alternation(SCALE_ABBREVIATIONS)})(?![A-Za-z]))"
_ORDINAL_WORDS = rf"(?:(?:{_alternation(TENS)})[\s-])?(?:{_alternation(ORDINALS)})"
_FRACTION_WORDS = (
    rf"(?:an?|one|two|three|four|five|six|seven|eight|nine)[\s-]+(?:{_alternation(FRACTIONS)})"
    r"|half"
)

NUMBER_PATTERN = (
    rf"(?P<digits>{_DIGITS})(?P<scale>{_DIGIT_SCALE})?"
    rf"|(?P<vulgar>[{''.join(SMALL_FRACTIONS)}])"
    rf"|(?P<fraction>{_FRACTION_WORDS})\b"
    rf"|(?P<words>{_CARDINAL_WORDS})\b"
)
NUMBER = re.compile(rf"(?<![\w.])(?:{NUMBER_PATTERN})", re.IGNORECASE)
ORDINAL = re.compile(
    rf"(?<![\w.])(?:(?P<digits>\d{{1,4}})(?:st|nd|rd|th)|(?P<words>{_ORDINAL_WORDS}))\b", re.IGNORECASE
)
# The same forms without named groups, to embed in larger patterns (read them back with NUMBER).
NUMBER_TEXT = rf"(?<![\w.])(?:{re.sub(r'[(][?]P<[a-z]+>', '(?:', NUMBER_PATTERN)})"
ORDINAL_TEXT = re.sub(r"[(][?]P<[a-z]+>", "(?:", ORDINAL.pattern)


def words_to_number(text: str) -> float | None:
    """Return the value of cardinal number words ("seventy-five", "one hundred and ten")."""
    total, current, seen = 0.0, 0.0, False
    for token in re.split(r"[\s-]+", text.lower().strip()):
        if token in ("and", ""):
            continue
        if token in ("a", "an"):
            current = current or 1
        elif token in UNITS:
            current += UNITS[token]
        elif token in TENS:
            current += TENS[token]
        elif token == "hundred":
            current = (current or 1) * 100
        elif token in SCALES:
            total += (current or 1) * SCALES[token]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def ordinal_value(text: str) -> int | None:
    """Return the value of an ordinal ("75th", "seventy-fifth", "second"), else None."""
    match = ORDINAL.fullmatch(text.strip())
    if not match:
        return None
    if match.group("digits"):
        return int(match.group("digits"))
    parts = re.split(r"[\s-]+", match.group("words").lower())
    value = sum(TENS.get(part, 0) for part in parts[:-1])
    return value + ORDINALS[parts[-1]]


def read_number(match: re.Match) -> float | None:
    """Return the float a match of `NUMBER` stands for."""
    if match.group("digits"):
        value = float(match.group("digits").replace(",", ""))
        scale = (match.group("scale") or "").strip().lower()
        return value * SCALES.get(scale, SCALE_ABBREVIATIONS.get(scale, 1))
    if match.group("vulgar"):
        return SMALL_FRACTIONS[match.group("vulgar")]
    if match.group("fraction"):
        return fraction_value(match.group("fraction"))
    return words_to_number(match.group("words"))


def fraction_value(text: str) -> float | None:
    """Return the value of a fraction in words ("a quarter" → 0.25, "two thirds", "half")."""
    parts = re.split(r"[\s-]+", text.lower().strip())
    if parts == ["half"]:
        return 0.5
    if len(parts) != 2 or parts[1] not in FRACTIONS:
        return None
    numerator = 1 if parts[0] in ("a", "an") else UNITS.get(parts[0])
    return None if numerator is None else numerator / FRACTIONS[parts[1]]


def parse_number(text: str) -> float | None:
    """Return the number a whole string spells ("55,000", "five million", "a tenth"), else None."""
    match = NUMBER.fullmatch(text.strip())
    if match:
        return read_number(match)
    text = text.strip().lower()
    if text in MULTIPLIERS:
        return float(MULTIPLIERS[text])
    value = ordinal_value(text)
    return float(value) if value is not None else None
