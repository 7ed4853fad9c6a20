"""`role`: who holds a post, or what post someone holds, compared as text with a time-qualified fact.

The engine passes only values valid at `as_of`; with `date`, the value must also have held at some
day of that (possibly partial) date. Texts are compared casefolded and without accents or
punctuation, as word sets; a similarity of 90 or more is accurate, 60 to 90 approximately accurate
(the reason shows both texts), below 60 inaccurate. Names that differ only in romanisation
("Park Tae-sung", KCNA's "Pak Thae Song") are the same text.

Holds (another romanisation of the same name)::

    {kind: role, fact: roscosmos.head, claimed: Yury Borisov}

Does not hold (Rogozin was replaced on 15 July 2022)::

    {kind: role, fact: roscosmos.head, claimed: Dmitry Rogozin}
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

from marshmallow import Schema
from rapidfuzz import fuzz, utils

from rules.dates import parse_partial_date
from rules.fields import PartialDate, fact_ref, text
from rules.kinds.base import Kind
from rules.model import Outcome, Step, Verdict
from rules.reference import FactValue

SAME, SIMILAR = 90.0, 60.0
# One sound, several spellings: North Korea's McCune-Reischauer (KCNA: "Pak Thae Song") against
# South Korea's Revised Romanization and common Western forms ("Park Tae-sung"), and the endings of
# Russian names (Yury, Yuriy, Yuri). Applied to casefolded text, in this order.
ROMANISATION = (
    (r"\b(?:park|bak)\b", "pak"),  # 박: Park, Pak, Bak
    (r"\b(?:lee|rhee|yi)\b", "ri"),  # 리/이: Ri in the North, Lee, Rhee, Yi in the South
    (r"([ckpt])h", r"\1"),  # aspirates marked with h: Thae, Tae
    (r"eo|u", "o"),  # one vowel written eo, u or o: Seong, Sung, Song
    (r"ae", "e"),
    (r"(?:iy|yy|y)\b", "i"),  # Yuriy, Yury, Yuri; Vostochniy, Vostochny
    (r"\s+", ""),  # where a name is split: Thae-song, Thaesong, Thae Song
)


@functools.lru_cache(maxsize=4096)
def fold(words: str) -> str:
    """Return text casefolded, without accents, with punctuation and hyphens turned into spaces."""
    decomposed = unicodedata.normalize("NFKD", words)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return utils.default_process(bare.casefold())


@functools.lru_cache(maxsize=4096)  # eight regex substitutions; the same names are compared again and again
def _romanised(folded: str) -> str:
    for pattern, replacement in ROMANISATION:
        folded = re.sub(pattern, replacement, folded)
    return folded


def similarity(claimed: str, reference: str) -> tuple[float, bool]:
    """Return how alike two texts are (0 to 100) and whether only their romanisations differ."""
    a, b = fold(claimed), fold(reference)
    # The word set forgives order and extra words ("Borisov, Yuri"). WRatio was not used: its
    # partial alignment scored two unrelated sentences 85.
    plain = fuzz.token_set_ratio(a, b)
    # Collapsing spelling variants makes different names look alike too, so the collapsed
    # comparison may only show two texts the same, never merely close.
    spelled = fuzz.ratio(_romanised(a), _romanised(b))
    return (spelled, True) if spelled >= SAME and spelled > plain else (plain, False)


def judge_text(claimed: str, reference: str) -> tuple[Verdict, float, str]:
    """Compare a claimed text with a reference text; return verdict, similarity and detail."""
    score, respelled = similarity(claimed, reference)
    if respelled:
        return (
            Verdict.ACCURATE,
            score,
            f"the same text in another spelling or romanisation (similarity {score:.0f})",
        )
    if score >= SAME:
        return Verdict.ACCURATE, score, f"the same text (similarity {score:.0f} ≥ {SAME:.0f})"
    if score >= SIMILAR:
        return (
            Verdict.APPROXIMATELY_ACCURATE,
            score,
            f"close but not the same (similarity {score:.0f}, from {SIMILAR:.0f} to {SAME:.0f})",
        )
    return Verdict.INACCURATE, score, f"a different text (similarity {score:.0f} < {SIMILAR:.0f})"


def held_during(value: FactValue, start: dt.date, end: dt.date) -> bool:
    """Whether a time-qualified value held on at least one day from `start` to `end`."""
    # The first day both ranges share is the later of the two starts; the value must hold on it.
    if "valid_from" in value.qualifier:
        start = max(start, parse_partial_date(value.qualifier["valid_from"]).start)
    return start <= end and value.usable_at(start)


class Params(Schema):
    fact = fact_ref(required=True)
    claimed = text(300, required=True)
    date = PartialDate()


def evaluate(params, values, context) -> Outcome:
    value = values["fact"]
    if value.text is None:
        return Outcome.unverifiable(f"{value.fact_id} is not a text value.")
    when = params.get("date")
    # Facts after as_of are never used, so a partial date is cut off there.
    if when is not None and not held_during(value, when.start, min(when.end, context.as_of)):
        return Outcome.unverifiable(
            f"{value.display()} ({value.source.publisher}) is not known to have held during "
            f"{when.label}, and no other value of {value.fact_id} is known for then."
        )
    verdict, _, detail = judge_text(params["claimed"], value.text)
    validity = ", ".join(
        f"{key} {day}" for key, day in value.qualifier.items() if key in ("valid_from", "valid_to")
    )
    steps = (
        Step("claimed", "as written" + (f", for {when.label}" if when else ""), params["claimed"]),
        Step(
            "reference",
            f"{value.fact_id} ({value.source.publisher})",
            value.display() + (f" ({validity})" if validity else ""),
        ),
        Step("comparison", "similarity of casefolded word sets, 0-100 (spelling variants collapsed)", detail),
    )
    reason = (
        f"{value.fact_id} is {value.display()!r} ({value.source.publisher}); the claimed "
        f"{params['claimed']!r} is {detail}."
    )
    return Outcome(verdict, reason, steps)


KIND = Kind("role", "Who holds a post, or which post someone holds, at a date.", Params, evaluate)
