"""Sentence splitting with character offsets into the original text.

Lines are hard boundaries (headlines and captions are lines of their own); inside a line a sentence ends
at `.`, `!`, `?` or an ellipsis followed by space and a capital letter, a digit or a quotation mark,
unless the dot closes a known abbreviation ("Mr.", "p.m.", "U.S.", "Aug.") or a single initial.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen col lt sgt capt cmdr adm gov sen rep st jr sr co corp inc ltd no nos vs "
    "approx est dept fig etc e.g i.e a.m p.m u.s u.k u.n e.u jan feb mar apr jun jul aug sep sept "
    "oct nov dec mt ft sq km mi".split()
)
_END = re.compile(r"(?:\.{3}|…|[.!?])[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
MAX_SENTENCE = 2000


@dataclass(frozen=True)
class Sentence:
    """One sentence: its text and where it starts and ends in the text it was cut from."""

    text: str
    start: int
    end: int
    line: int  # 0-based line number, so headlines (the first lines) can be told apart


def _is_abbreviation(chunk: str) -> bool:
    match = _WORD_BEFORE.search(chunk)
    if not match:
        return False
    word = match.group(1).lower()
    return word in ABBREVIATIONS or len(word) == 1 or (len(word) <= 4 and "." in word)


def _split_line(text: str, offset: int, line: int) -> list[Sentence]:
    sentences, start = [], 0
    for match in _END.finditer(text):
        end = match.end()
        if (
            match.group(0).startswith(".")
            and not match.group(0).startswith("...")
            and _is_abbreviation(text[start : match.start() + 1])
        ):
            continue
        sentences.append((start, end))
        start = end
    sentences.append((start, len(text)))
    result = []
    for low, high in sentences:
        piece = text[low:high]
        stripped = piece.strip()
        if not stripped:
            continue
        lead = len(piece) - len(piece.lstrip())
        low = low + lead
        for cut in range(low, low + len(stripped), MAX_SENTENCE):
            top = min(cut + MAX_SENTENCE, low + len(stripped))
            result.append(Sentence(text[cut:top], offset + cut, offset + top, line))
    return result


def split_sentences(text: str) -> list[Sentence]:
    """Return the sentences of `text`, each with its offsets into `text` and its line number."""
    sentences: list[Sentence] = []
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True)):
        body = line.rstrip("\r\n")
        sentences.extend(_split_line(body, offset, number))
        offset += len(line)
    return sentences
