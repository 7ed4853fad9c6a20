"""The free-text claim parser: one English sentence in, the rules it states out, or why it cannot.

A sentence is read in three passes. First what it names: entities through the aliases held with the
reference data (exact, then fuzzy with rapidfuzz), words that point at the article's main entity
("the site", "here"), negations, quotations and attributions. Then what it claims: each extractor
below (ratio, quantity, date, interval, count, share, role, location, attribution, ...) looks for its
own form and produces a rule dict in the shape `rules.rule.load_rule` accepts, with what it
understood. Last, entity and property are resolved together against the facts that exist: a claim
whose fact is missing is unverifiable with the reason, never a guess. The words are data in
`claims/lexicon.yaml`; the README section "Free-text claims" is the manual.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from claims.numbers import (
    NUMBER,
    NUMBER_TEXT,
    ORDINAL_TEXT,
    fraction_value,
    ordinal_value,
    parse_number,
    read_number,
)
from claims.sentences import split_sentences
from rules.engine import evaluate
from rules.errors import InvalidRule
from rules.model import Result, Verdict
from rules.reference import YAML_LOADER, Snapshot
from rules.rule import Rule, load_rule

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")
FUZZY_CUTOFF = 86.0  # rapidfuzz ratio for a misspelt name ("Vostochnyi" → "Vostochny")
NP_CUTOFF = 78.0  # token-set ratio for a noun phrase in an entity slot ("anniversary of ...")
MAX_SENTENCE = 2000
MENTIONS_KEPT = 1024  # sentences whose mentions an index keeps (an article has about 50)
# Negation flips these comparators; any other negated claim is judged and its verdict inverted.
FLIPPED = {"more_than": "at_most", "at_most": "more_than", "at_least": "less_than", "less_than": "at_least"}
INVERTED = {
    Verdict.ACCURATE: Verdict.INACCURATE,
    Verdict.INACCURATE: Verdict.ACCURATE,
    Verdict.APPROXIMATELY_ACCURATE: Verdict.MISLEADING,
}
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ZONES = {
    "moscow time": "Europe/Moscow",
    "msk": "Europe/Moscow",
    "kst": "Asia/Seoul",
    "korean time": "Asia/Seoul",
    "seoul time": "Asia/Seoul",
    "pyongyang time": "Asia/Pyongyang",
    "utc": "UTC",
    "gmt": "UTC",
}


# ----------------------------------------------------------------------------------------------
# What the parser returns


@dataclass(frozen=True)
class ParsedClaim:
    """One claim found in a sentence: its span, the rule it compiles to, and what was understood."""

    sentence: str
    start: int  # span of the claim within the sentence
    end: int
    kind: str | None
    rule: Mapping[str, Any]  # the rule for load_rule, or {} when it could not be compiled
    understood: Mapping[str, Any]
    negated: bool = False
    problem: str = ""  # why there is no rule ("no reference data for the area of X"); "" if none
    offset: int = 0  # where the sentence starts in the text it came from
    compiled: Rule | None = field(default=None, compare=False, repr=False)

    @property
    def quote(self) -> str:
        """Return the words of the claim as written."""
        return self.sentence[self.start : self.end]

    def to_dict(self) -> dict[str, Any]:
        """Return what was understood, the compiled rule and the span, as plain JSON data."""
        return {
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "rule": dict(self.rule),
            "understood": dict(self.understood),
            "negated": self.negated,
            "problem": self.problem or None,
        }


@dataclass(frozen=True)
class ParseContext:
    """What a sentence is read against: the article's date, main entity, time zone and history."""

    published: dt.date | None = None
    main_entity: str | None = None
    timezone: str | None = None
    recent: tuple[str, ...] = ()  # entities named earlier in the article, most recent last
    speaker: str | None = None  # who spoke the last quotation (for "..., and added, '...'")
    quotes: tuple[tuple[str, str], ...] = ()  # (quotation, speaker) pairs seen in the article


# ----------------------------------------------------------------------------------------------
# The lexicon: words as data, compiled once


def _union(fragments: Iterable[str]) -> str:
    return "|".join(sorted(set(fragments), key=len, reverse=True))


def _flexible(fragment: str) -> str:
    # "square kilometers" also matches "square-kilometre" and "square  kilometers"
    return fragment.replace(" ", r"[\s-]+")


@dataclass(frozen=True)
class Lexicon:
    """The lexicon file, compiled into the patterns the extractors use."""

    data: Mapping[str, Any]
    hedge_before: re.Pattern
    hedge_of: Mapping[str, str]
    after_hedge: re.Pattern
    after_hedge_of: Mapping[str, str]
    unit_after: re.Pattern
    unit_of: Mapping[str, tuple[str, str]]
    currency_before: re.Pattern
    currency_after: re.Pattern
    per_year: re.Pattern
    property_words: re.Pattern
    property_patterns: tuple[tuple[str, re.Pattern], ...]
    references: re.Pattern
    generic: re.Pattern
    negation: re.Pattern
    event_words: re.Pattern
    event_names: tuple[str, ...]
    group_words: re.Pattern
    group_of: Mapping[str, str]
    mission_words: re.Pattern
    mission_of: Mapping[str, str]
    launch_nouns: re.Pattern
    outcome_words: re.Pattern
    role_words: str
    quantifiers: re.Pattern
    quantifier_of: Mapping[str, str]
    synonyms: re.Pattern


def _phrase_table(table: Mapping[str, list[str]]) -> tuple[str, dict[str, str]]:
    """Return an alternation of every phrase and a dict from lowercased phrase to its key."""
    owner = {}
    for key, phrases in table.items():
        for phrase in phrases:
            owner.setdefault(phrase.lower().replace("\\", ""), key)
    return _union(_flexible(phrase) for phrases in table.values() for phrase in phrases), owner


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load and compile `claims/lexicon.yaml` (once per process)."""
    data = yaml.load(LEXICON_FILE.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    hedges, hedge_of = _phrase_table(data["hedges"])
    after, after_of = _phrase_table(data["after_hedges"])
    units = {}
    unit_groups = []
    for position, entry in enumerate(data["units"]):
        name = f"u{position}"
        units[name] = (entry["unit"], entry["dimension"])
        unit_groups.append(f"(?P<{name}>{_union(_flexible(form) for form in entry['forms'])})")
    currency = data["currency"]
    words = [_flexible(word) for entry in data["properties"].values() for word in entry["words"]]
    property_patterns = tuple(
        (name, re.compile(rf"(?:{_union(_flexible(w) for w in entry['words'])})", re.I))
        for name, entry in data["properties"].items()
    )
    groups, group_owner = _phrase_table({k: v["words"] for k, v in data["launch_groups"].items()})
    missions, mission_owner = _phrase_table(data["missions"])
    quantifiers, quantifier_owner = _phrase_table(data["quantifiers"])
    outcomes = [word for words_ in data["outcomes"].values() for word in words_]
    return Lexicon(
        data=data,
        hedge_before=re.compile(rf"(?<![\w-])(?P<hedge>{hedges})\s*$", re.I),
        hedge_of=hedge_of,
        after_hedge=re.compile(rf"^\s*(?P<hedge>{after})(?!\w)", re.I),
        after_hedge_of=after_of,
        unit_after=re.compile(rf"^(?:\s*|-)(?:{'|'.join(unit_groups)})(?![\w²])", re.I),
        unit_of=units,
        currency_before=re.compile(rf"(?:{_union(currency['symbols'])})\s*$"),
        currency_after=re.compile(rf"^\s*(?:{_union(currency['words'])})(?!\w)", re.I),
        per_year=re.compile(rf"^\s*(?:{_union(_flexible(w) for w in currency['per_year'])})(?!\w)", re.I),
        property_words=re.compile(rf"(?<![\w-])(?:{_union(words)})(?![\w-])", re.I),
        property_patterns=property_patterns,
        references=re.compile(
            rf"(?<![\w-])(?:{_union(_flexible(w) for w in data['references'])}"
            rf"|(?:the|this|that|a|an|its|[A-Z][\w-]*(?:'s|’s))\s+(?:[\w-]+\s+){{0,2}}?"
            rf"(?:{_union(data['reference_nouns'])}))(?![\w-])",
            re.I,
        ),
        generic=re.compile(rf"(?<![\w-])(?:{_union(_flexible(w) for w in data['generic'])})(?![\w-])", re.I),
        negation=re.compile(rf"(?<![\w-])(?:{_union(data['negations'])})(?![\w-])", re.I),
        event_words=re.compile(
            rf"(?<![\w-])(?:{_union(w for e in data['events'] for w in e['words'])})(?![\w-])", re.I
        ),
        event_names=tuple(name for e in data["events"] for name in e["names"]),
        group_words=re.compile(rf"(?<![\w-])(?:{groups})(?![\w-])"),
        group_of=group_owner,
        mission_words=re.compile(rf"(?<![\w-])(?:{missions})(?![\w-])", re.I),
        mission_of=mission_owner,
        launch_nouns=re.compile(rf"(?:{_union(data['launch_nouns'])})(?![\w-])", re.I),
        outcome_words=re.compile(rf"(?<![\w-])(?:{_union(outcomes)})(?![\w-])", re.I),
        role_words=_union(_flexible(w) for words_ in data["roles"].values() for w in words_),
        quantifiers=re.compile(rf"(?<![\w-])(?P<q>{quantifiers})(?![\w-])", re.I),
        quantifier_of=quantifier_owner,
        synonyms=re.compile(rf"\b(?:{_union(re.escape(w) for w in data['synonyms'])})\b"),
    )


@lru_cache(maxsize=4096)
def _properties_of_word(word: str) -> tuple[str, ...]:
    """Return every property whose words include `word` (lowercased)."""
    return tuple(name for name, pattern in lexicon().property_patterns if pattern.fullmatch(word))


# ----------------------------------------------------------------------------------------------
# The per-snapshot index: aliases and facts, built once per snapshot id


@dataclass(frozen=True)
class Mention:
    """A stretch of the sentence that names an entity, and how it was recognised."""

    entity: str | None
    start: int
    end: int
    text: str
    how: str  # alias, fuzzy, reference (the main entity), generic (a recent entity), phrase


class Index:
    """Alias patterns, fuzzy choices and the facts of one snapshot, compiled for the parser."""

    def __init__(self, snapshot: Snapshot):
        self.snapshot = snapshot
        self.mentions: dict[str, tuple[Mention, ...]] = {}  # by sentence text, see _find_mentions
        self.entities = snapshot.entities
        self.alias_of: dict[str, str] = {}
        written = []
        for entity in snapshot.entities.values():
            head = re.split(r"[,(]", entity.name)[0].strip()
            for alias in (*entity.aliases, head):
                self.alias_of.setdefault(alias.casefold(), entity.id)
                written.append(alias)
        # Short all-capital aliases ("VOST", "DW", "CSG") match only as written.
        acronyms = sorted({a for a in written if a.isupper() and len(a) <= 5 and a.isalpha()})
        words = sorted({a.casefold() for a in written if a not in acronyms})
        self.alias_pattern = re.compile(
            rf"(?<![\w-])(?:{_union(re.escape(a).replace(r'\ ', r'\s+') for a in words)})"
            r"(?!\w|-\w)",
            re.I,
        )
        self.acronym_pattern = (
            re.compile(rf"(?<![\w-])(?:{_union(re.escape(a) for a in acronyms)})(?![\w-])")
            if acronyms
            else None
        )
        self.fuzzy_choices = [a for a in self.alias_of if len(a) >= 5]
        self.facts: dict[tuple[str, str], str] = {
            (fact.entity, fact.property): fact.id for fact in snapshot.facts.values()
        }
        self.sites: dict[str, tuple[str, ...]] = {
            entity.id: tuple(a for a in entity.aliases if a in snapshot.sites)
            for entity in snapshot.entities.values()
        }
        self.groups: dict[str, tuple[str, ...]] = {
            name: self._group_sites(entry) for name, entry in lexicon().data["launch_groups"].items()
        }
        names = lexicon().event_names
        self.events = sorted(
            (
                entity.id
                for entity in snapshot.entities.values()
                if entity.type == "event"
                and (entity.id, "date") in self.facts
                and any(n in entity.name.lower() for n in names)
            ),
            key=self.event_day,
        )

    def _group_sites(self, entry: Mapping[str, Any]) -> tuple[str, ...]:
        """Return a country's launch sites: those of its state code with orbital launches."""
        if "sites" in entry:
            return tuple(code for code in entry["sites"] if code in self.snapshot.sites)
        state = {code: site.state for code, site in self.snapshot.sites.items()}
        used = Counter(
            launch.site
            for launch in self.snapshot.launches
            if launch.orbital and state.get(launch.site) == entry["state"]
        )
        return tuple(code for code, _ in used.most_common(20))

    def fact(self, entity: str | None, prop: str) -> str | None:
        """Return the id of the fact `entity.prop`, if the snapshot has it."""
        return self.facts.get((entity, prop)) if entity else None

    def event_day(self, entity: str) -> dt.date:
        """Return the first day of an event entity's date (its preferred value)."""
        value = self.snapshot.facts[self.facts[(entity, "date")]].preferred
        return value.days.start if value.days else dt.date.min

    def name(self, entity: str | None) -> str:
        """Return an entity's display name, or a placeholder."""
        return self.entities[entity].name if entity in self.entities else "(unknown)"

    def short_name(self, entity: str) -> str:
        """Return an entity's name without its parenthesised or comma-separated explanation."""
        return re.split(r"[,(]", self.entities[entity].name)[0].strip()

    def resolve_phrase(self, phrase: str, needs: Iterable[str] = (), min_words: int = 1) -> str | None:
        """Return the entity a noun phrase names, matched by token set against aliases."""
        text = re.sub(r"^(?:the|a|an|our|their|its)\s+", "", phrase.strip(), flags=re.I).casefold()
        if not text:
            return None
        if text in self.alias_of:
            return self.alias_of[text]
        words = lexicon().synonyms.sub(
            lambda m: lexicon().data["synonyms"][m.group(0)], phrase.strip().casefold()
        )
        choices = self._choices(tuple(needs), min_words)
        best = process.extractOne(words, choices, scorer=fuzz.token_set_ratio, score_cutoff=NP_CUTOFF)
        return self.alias_of[best[0]] if best else None

    @lru_cache(maxsize=256)  # noqa: B019 - one index per snapshot, kept for the process's life
    def _choices(self, needs: tuple[str, ...], min_words: int) -> tuple[str, ...]:
        """Return the aliases of entities that have one of `needs`, of at least `min_words` words."""
        return tuple(
            alias
            for alias, entity in self.alias_of.items()
            if len(alias.split()) >= min_words
            and (not needs or any((entity, p) in self.facts for p in needs))
        )


_INDEXES: dict[str, Index] = {}


def index_for(snapshot: Snapshot) -> Index:
    """Return the parser's index for a snapshot, built on first use and cached by snapshot id."""
    index = _INDEXES.get(snapshot.id)
    if index is None:
        if len(_INDEXES) >= 8:
            _INDEXES.pop(next(iter(_INDEXES)))
        index = _INDEXES[snapshot.id] = Index(snapshot)
    return index


# ----------------------------------------------------------------------------------------------
# Reading a sentence: what it names


_CAPITALISED = re.compile(r"[A-Z][\w'’.-]*(?:\s+(?:of\s+)?[A-Z][\w'’.-]*)*")
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]—–]|\s-\s|\.\.\.|…|\b(?:but|while|whereas|although)\b")
_ACCORDING = re.compile(r"\baccording to\s+(?P<who>[^,.;]+?)(?=\s+on\s+the\s+\d|[,.;]|$)", re.I)
SPEECH_VERBS = (
    r"said|says|saying|stated|states|stating|added|adds|adding|told|telling|noted|"
    r"remarked|responded|replied|answered|announced|declared|stressed|emphasi[sz]ed|"
    r"explained|reported|reports|welcomed|assured|promised|insisted|claimed|argued|"
    r"recalled|wrote|asked|continued|concluded"
)
_SPEECH = re.compile(rf"\b(?:{SPEECH_VERBS})\b", re.I)


def _quotations(text: str) -> list[tuple[int, int]]:
    """Return the inside of each quotation; one cut by a sentence boundary runs to the edge."""
    spans, opened = [], None
    for mark in re.finditer(r"[\"“”]", text):
        position, char = mark.start(), mark.group(0)
        if char == "“":
            opening = True
        elif char == "”":
            opening = False
        else:
            before = text[position - 1] if position else " "
            after = text[position + 1] if position + 1 < len(text) else " "
            opening = before in " ([\n\t" and not after.isspace()
        if opening:
            opened = position + 1
        else:
            spans.append((opened if opened is not None else 0, position))
            opened = None
    if opened is not None:
        spans.append((opened, len(text)))
    return [(low, high) for low, high in spans if high - low >= 3]


@dataclass
class _Sentence:
    """A sentence under analysis: its text, what it names, and which stretches are claimed."""

    text: str
    index: Index
    context: ParseContext
    mentions: list[Mention] = field(default_factory=list)
    clauses: list[tuple[int, int]] = field(default_factory=list)
    taken: list[tuple[int, int]] = field(default_factory=list)
    dates: list | None = None

    def clause_of(self, position: int) -> tuple[int, int]:
        for start, end in self.clauses:
            if start <= position < end:
                return start, end
        return 0, len(self.text)

    def free(self, start: int, end: int) -> bool:
        return all(end <= low or start >= high for low, high in self.taken)

    def named(self, start: int = 0, end: int | None = None, how=("alias", "fuzzy")) -> list[Mention]:
        end = len(self.text) if end is None else end
        return [m for m in self.mentions if start <= m.start and m.end <= end and m.how in how]


def _find_mentions(text: str, index: Index, context: ParseContext) -> list[Mention]:
    # An article asks for the mentions of each sentence three times (quotations, claims, recent
    # entities), so they are found once per text and index; only "reference" mentions depend on the
    # context, through its main entity, and they are filled in here.
    found = index.mentions.get(text)
    if found is None:
        if len(index.mentions) >= MENTIONS_KEPT:
            index.mentions.clear()
        found = index.mentions[text] = _search_mentions(text, index)
    main = context.main_entity
    if main is None:
        return list(found)
    return [replace(m, entity=main) if m.how == "reference" else m for m in found]


def _search_mentions(text: str, index: Index) -> tuple[Mention, ...]:
    """Return every mention in a text, "reference" mentions without their entity (the context's)."""
    lex = lexicon()
    found: list[Mention] = []

    def add(start: int, end: int, entity: str | None, how: str) -> None:
        if all(end <= m.start or start >= m.end for m in found):
            found.append(Mention(entity, start, end, text[start:end], how))

    for match in index.alias_pattern.finditer(text):
        add(match.start(), match.end(), index.alias_of[match.group(0).casefold()], "alias")
    if index.acronym_pattern:
        for match in index.acronym_pattern.finditer(text):
            add(match.start(), match.end(), index.alias_of[match.group(0).casefold()], "alias")
    for match in lex.references.finditer(text):
        add(match.start(), match.end(), None, "reference")
    for match in lex.generic.finditer(text):
        add(match.start(), match.end(), None, "generic")
    # Misspelt names: capitalised stretches not already named, matched by edit ratio.
    for match in _CAPITALISED.finditer(text):
        piece = match.group(0).rstrip(".'’")
        start = match.start()
        if len(piece) < 5 or not all(match.end() <= m.start or start >= m.end for m in found):
            continue
        best = process.extractOne(
            piece.casefold(), index.fuzzy_choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
        )
        if best:
            add(start, start + len(piece), index.alias_of[best[0]], "fuzzy")
    return tuple(sorted(found, key=lambda m: m.start))


def _clauses(text: str) -> list[tuple[int, int]]:
    cuts = [0] + [m.start() for m in _CLAUSE_BREAK.finditer(text)] + [len(text)]
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


# ----------------------------------------------------------------------------------------------
# Candidates: what an extractor found


@dataclass
class _Found:
    kind: str | None
    start: int
    end: int
    rule: dict[str, Any]
    understood: dict[str, Any]
    problem: str = ""
    anchor: int = -1  # where the claimed value sits, for the negation's scope
    negatable: bool = True


def _unresolved(kind: str, start: int, end: int, understood: dict, problem: str) -> _Found:
    return _Found(kind, start, end, {}, understood, problem)


def _hedge_before(sentence: _Sentence, position: int) -> tuple[str, str, int]:
    """Return (relation, hedge words, where they start) for the words just before `position`."""
    lex = lexicon()
    window_start = max(0, position - 40)
    match = lex.hedge_before.search(sentence.text, window_start, position)
    if not match:
        return "exact", "", position
    words = match.group("hedge")
    key = re.sub(r"[\s-]+", " ", words.lower())
    return lex.hedge_of.get(key, "exact"), words, match.start("hedge")


_LOCATIVE = re.compile(
    r"\b(?:from|at|in|near|to|of|on|into|toward|towards|between|with|by|for|"
    r"about|against)\s+(?:the\s+)?$",
    re.I,
)
THINGS = ("place", "event", "programme", "thing")


def _resolve(
    sentence: _Sentence,
    position: int,
    properties: Iterable[str],
    *,
    after: bool = True,
    exclude: Iterable[str] = (),
) -> tuple[str | None, str | None, Mention | None, str]:
    """Return (entity, property, mention, problem): the subject of a claim and its fact.

    Candidates are tried nearest first within the clause before `position`, then earlier in the
    sentence (nearest first after "which"), then after it; names after "from", "at", "in" are places
    where something happened and come last. Words like "the site" stand for the main entity, generic
    nouns ("the town") for the latest entity of the article that has the fact. The first named
    place, event or programme is the subject: if it lacks the fact, the claim is unverifiable
    rather than moved to another name.
    """
    properties = tuple(dict.fromkeys(properties))
    index = sentence.index
    text = sentence.text
    exclude = set(exclude)
    clause_start = sentence.clause_of(position)[0]
    before = [m for m in sentence.mentions if m.end <= position]
    in_clause = [m for m in before if m.start >= clause_start][::-1]
    earlier = [m for m in before if m.start < clause_start]
    relative = bool(_RELATIVE.match(text, clause_start))
    later = [m for m in sentence.mentions if m.start >= position] if after else []
    antecedent = []
    if relative and earlier:
        # ", which covers ...", "reliance on Baikonur, which it leases": the nearest name before.
        antecedent, earlier = [earlier[-1]], earlier[-2::-1]
    ordered = in_clause + earlier + later
    locative = [m for m in ordered if _LOCATIVE.search(text, max(0, m.start - 12), m.start)]
    ordered = antecedent + [m for m in ordered if m not in locative] + locative
    tried: list[Mention] = []
    named_subject = False
    for mention in ordered:
        if mention.entity in exclude:
            continue
        if mention.how == "generic":
            for entity in (*[m.entity for m in before if m.entity][::-1], *reversed(sentence.context.recent)):
                for prop in properties:
                    if index.fact(entity, prop):
                        return entity, prop, mention, ""
            tried.append(mention)
            continue
        if mention.entity is None:
            tried.append(mention)
            continue
        for prop in properties:
            if index.fact(mention.entity, prop):
                return mention.entity, prop, mention, ""
        tried.append(mention)
        if (
            mention.how in ("alias", "fuzzy")
            and mention not in locative
            and index.entities[mention.entity].type in THINGS
        ):
            named_subject = True
            break  # the subject is named and the data has nothing for it
    prop = properties[0] if properties else "?"
    phrase = _subject_phrase(sentence, clause_start, position, properties)
    if phrase is not None and not named_subject:
        entity, prop = phrase
        return entity, prop, None, ""
    if not tried:
        main = sentence.context.main_entity
        unknown = _unknown_names(sentence, position)
        if unknown:
            return (
                None,
                prop,
                None,
                (f"the claim is about {unknown[0]!r}, for which the reference data has no {_words(prop)}"),
            )
        if main and main not in exclude:
            for candidate in properties:
                if index.fact(main, candidate):
                    return main, candidate, None, ""
            return main, prop, None, f"no reference data for the {_words(prop)} of {index.name(main)}"
        return None, prop, None, f"the sentence names nothing the reference data knows for the {_words(prop)}"
    first = tried[0]
    if first.entity is None:
        what = "the article's main entity" if first.how == "reference" else "an entity named earlier"
        return (
            None,
            prop,
            first,
            (f"{first.text!r} should refer to {what}, but no entity with the {_words(prop)} is known"),
        )
    return (
        first.entity,
        prop,
        first,
        f"no reference data for the {_words(prop)} of {index.name(first.entity)}",
    )


def _subject_phrase(
    sentence: _Sentence, clause_start: int, position: int, properties: tuple[str, ...]
) -> tuple[str, str] | None:
    """Return (entity, property) for a subject written in other words than an alias.

    "Diplomatic relations between Moscow and Pyongyang": the clause before the claim is matched by
    token set against the aliases of the entities that have the fact, and nothing else.
    """
    words = sentence.text[clause_start : sentence.clause_of(position)[1]].strip(" ,")
    if len(words.split()) < 2 or not properties:
        return None
    # Only aliases of three words or more: a short alias inside a long clause matches by accident.
    entity = sentence.index.resolve_phrase(words, properties, min_words=3)
    if entity is None:
        return None
    prop = next(p for p in properties if sentence.index.fact(entity, p))
    return entity, prop


_NOT_NAMES = (
    frozenset(
        "the a an on in at since after before during however meanwhile it this that these those its "
        "their there here he she they we i according alongside located also but and or while when "
        "accordingly before".split()
    )
    | frozenset(MONTHS)
    | frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
)


def _unknown_names(sentence: _Sentence, end: int) -> list[str]:
    """Return capitalised names before `end` that no entity matches (never in a title-case line)."""
    text = sentence.text
    words = re.findall(r"[A-Za-z][\w'’-]*", text)
    if words and sum(w[0].isupper() for w in words) >= 0.6 * len(words):
        return []
    names = []
    for match in _CAPITALISED.finditer(text, 0, end):
        if any(m.start < match.end() and match.start() < m.end for m in sentence.mentions):
            continue
        parts = [p for p in re.split(r"\s+", match.group(0)) if p.lower().strip(".'’") not in _NOT_NAMES]
        if not parts or (match.start() == 0 and len(match.group(0).split()) == 1):
            continue
        names.append(" ".join(parts).rstrip(".'’s"))
    return names


_RELATIVE = re.compile(r"[,;(]?\s*(?:which|that|who|where|whose)\b", re.I)


def _words(prop: str) -> str:
    return prop.replace("_", " ")


# ----------------------------------------------------------------------------------------------
# Dates


_MONTH = _union(rf"{re.escape(m)}\.?" if len(m) <= 4 else m for m in MONTHS)
_DATE = re.compile(
    rf"(?:(?P<prep>\b(?:on|in|since|before|after|by|from|until|during|as of|back to|in early|in late|"
    rf"in mid-?|early|late|mid-?)\s+)?(?:the\s+)?)"
    rf"(?:(?P<iso>\d{{4}})-(?P<iso_m>\d{{2}})-(?P<iso_d>\d{{2}})"
    rf"|(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH})(?:,?\s+(?P<y2>\d{{4}}))?"
    rf"|(?<=the )(?P<d3>\d{{1,2}})(?:st|nd|rd|th)(?!\s+(?:anniversary|century|time|floor|place|"
    rf"largest|biggest|most))"
    rf"|(?P<m4>{_MONTH})(?:\s+(?:of\s+)?(?P<y4>\d{{4}}))?"
    rf"|(?P<y5>(?:1[6-9]|20)\d{{2}})(?!\s*(?:km|kilomet|square|people|residents|launch|times|%))"
    rf"|(?P<rel>(?:earlier |later )?this year|last year|next year|this month|last month|"
    rf"yesterday|today)"
    rf"|(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))(?![\w-])",
    re.I,
)


@dataclass(frozen=True)
class _DateExpr:
    start: int
    end: int
    value_start: int
    prep: str
    label: str  # YYYY, YYYY-MM or YYYY-MM-DD
    precision: str


def _shift_month(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def _find_dates(sentence: _Sentence) -> list[_DateExpr]:
    if sentence.dates is None:
        sentence.dates = _scan_dates(sentence)
    return sentence.dates


def _scan_dates(sentence: _Sentence) -> list[_DateExpr]:
    published = sentence.context.published
    found = []
    for match in _DATE.finditer(sentence.text):
        groups = match.groupdict()
        prep = (groups["prep"] or "").strip().lower()
        month_word = groups["m1"] or groups["m2"] or groups["m4"]
        if month_word:
            # "may" is a verb unless capitalised; a bare month needs a preposition.
            if month_word.lower() == "may" and not month_word[0].isupper():
                continue
            if groups["m4"] and not prep and not groups["y4"]:
                continue
        if (groups["y5"] or groups["wd"]) and not prep:
            continue
        label = _date_label(groups, published)
        if label is None:
            continue
        precision = {4: "year", 7: "month", 10: "day"}[len(label)]
        value_start = match.start("prep") + len(groups["prep"]) if groups["prep"] else match.start()
        if (groups["rel"] and not prep) or prep == "back to":
            prep = "in"  # "two launches this year" is "in this year"; "dates back to 1948"
        found.append(_DateExpr(match.start(), match.end(), value_start, prep, label, precision))
    # "on Wednesday, Sept. 13": the weekday only repeats the date that follows it.
    return [
        d
        for i, d in enumerate(found)
        if not (
            i + 1 < len(found)
            and re.fullmatch(r"(?:on\s+)?[A-Za-z]+day", sentence.text[d.start : d.end], re.I)
            and re.fullmatch(r",?\s*", sentence.text[d.end : found[i + 1].start])
        )
    ]


def _date_label(groups: dict, published: dt.date | None) -> str | None:
    try:
        if groups["iso"]:
            return dt.date(int(groups["iso"]), int(groups["iso_m"]), int(groups["iso_d"])).isoformat()
        for m, d, y in (("m1", "d1", "y1"), ("m2", "d2", "y2")):
            if groups[m]:
                month = MONTHS[groups[m].lower().rstrip(".")]
                day = int(groups[d])
                year = int(groups[y]) if groups[y] else _year_for(month, day, published)
                return None if year is None else dt.date(year, month, day).isoformat()
        if groups["d3"]:
            if published is None:
                return None
            day = int(groups["d3"])
            anchor = published if day <= published.day else _shift_month(published, -1)
            return dt.date(anchor.year, anchor.month, day).isoformat()
        if groups["m4"]:
            month = MONTHS[groups["m4"].lower().rstrip(".")]
            year = int(groups["y4"]) if groups["y4"] else _year_for(month, 1, published)
            return None if year is None else f"{year:04d}-{month:02d}"
        if groups["y5"]:
            return groups["y5"]
        if published is None:
            return None
        if groups["wd"]:
            # "on Wednesday" in news is the latest such day up to the article's date.
            weekday = WEEKDAYS.index(groups["wd"].lower())
            return (published - dt.timedelta(days=(published.weekday() - weekday) % 7)).isoformat()
        rel = groups["rel"].lower()
        if rel.endswith("this year"):
            return f"{published.year:04d}"
        if rel == "last year":
            return f"{published.year - 1:04d}"
        if rel == "next year":
            return f"{published.year + 1:04d}"
        if rel == "this month":
            return published.isoformat()[:7]
        if rel == "last month":
            return _shift_month(published, -1).isoformat()[:7]
        if rel == "yesterday":
            return (published - dt.timedelta(days=1)).isoformat()
        return published.isoformat()
    except ValueError:
        return None


def _year_for(month: int, day: int, published: dt.date | None) -> int | None:
    """Return the year of a date written without one: the latest not after the article."""
    if published is None:
        return None
    return published.year if (month, day) <= (published.month, published.day) else published.year - 1


_TIME = re.compile(
    r"\b(?:at\s+)?(?:(?P<hedge>around|about|approximately|roughly|some|circa|shortly after|"
    r"just after|just before|exactly|precisely)\s+)?"
    r"(?:(?P<h>\d{1,2})(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ap>[ap])\.?\s?m\b\.?"
    r"|(?P<h2>[01]?\d|2[0-3])[:.](?P<mi2>[0-5]\d)(?:\s*(?:hours|hrs|h)\b)?"
    r"|(?P<noon>noon|midday|midnight))"
    r"(?:\s+(?P<zone>local time|Moscow time|MSK|KST|Korean time|Seoul time|Pyongyang time|UTC|GMT))?",
    re.I,
)


# ----------------------------------------------------------------------------------------------
# Extractors. Each reads the sentence and returns what it found; the order in EXTRACTORS matters:
# a later extractor skips stretches an earlier one has claimed.


def _period(sentence: _Sentence, dates: list[_DateExpr]) -> tuple[dict | None, _DateExpr | None]:
    """Return a count/share period ({"from": ..., "to": ...}) from the sentence's dates."""
    for expr in dates:
        clause_start, _ = sentence.clause_of(expr.start)
        lead = sentence.text[clause_start : expr.start]
        # "Since a successful rocket launch in 2016" starts the period in 2016.
        if expr.prep in ("since", "from", "after") or re.search(r"\bsince\b", lead, re.I):
            return {"from": expr.label}, expr
        if expr.prep in ("in", "during", "on") or expr.prep.startswith(("in ", "early", "late", "mid")):
            return {"from": expr.label, "to": expr.label}, expr
    return None, None


def _sites_from(
    sentence: _Sentence, start: int, end: int, near: int | None = None, groups_first: bool = False
) -> tuple[list[str], str]:
    """Return GCAT site codes named between start and end (a site or a country), nearest first.

    "The site", "here" count as the main entity's site only after "from"/"at", or when nothing
    else in the stretch names a site.
    """
    lex = lexicon()
    text = sentence.text
    named, groups, references = [], [], []
    for mention in sentence.mentions:
        if not (start <= mention.start < end) or not mention.entity:
            continue
        codes = sentence.index.sites.get(mention.entity)
        if not codes:
            continue
        if mention.how == "reference" and not re.search(r"\b(?:from|at)\s+$", text[: mention.start]):
            references.append((mention.start, list(codes), mention.text))
        else:
            named.append((mention.start, list(codes), mention.text))
    for match in lex.group_words.finditer(text, start, end):
        key = re.sub(r"[\s-]+", " ", match.group(0).lower())
        codes = sentence.index.groups.get(lex.group_of.get(key, ""), ())
        if codes:
            groups.append((match.start(), list(codes), match.group(0)))
    candidates = (groups or named) if groups_first else (named + groups)
    candidates = candidates or references
    if not candidates:
        return [], ""
    near = start if near is None else near
    _, codes, words = min(candidates, key=lambda c: abs(c[0] - near))
    return codes, words


def _launch_filter(sentence: _Sentence, start: int, end: int) -> dict[str, Any]:
    lex = lexicon()
    spec: dict[str, Any] = {"orbital": True}
    words = sentence.text[start:end]
    outcome = lex.outcome_words.search(words)
    if outcome:
        failed = any(
            re.fullmatch(_flexible(w), outcome.group(0), re.I) for w in lex.data["outcomes"]["failure"]
        )
        spec["outcome"] = "failure" if failed else "success"
    mission = lex.mission_words.search(words)
    if mission:
        spec["flight_contains"] = lex.mission_of[mission.group(0).lower()]
    return spec


_COUNT = re.compile(
    rf"(?P<n>(?:only\s+|just\s+)?(?:{NUMBER_TEXT})|a single|no)\s+"
    r"(?P<adj>(?:[a-z][\w-]*\s+){0,3}?)"
    r"(?P<noun>(?:orbital |rocket |satellite |space |lunar |successful |failed )*"
    r"(?:launch attempts?|launches|launch|missions|flights|lift-?offs))(?![\w-])",
    re.I,
)


_TIMES = rf"(?P<n>once|twice|thrice|(?:{NUMBER_TEXT})\s+times)"
_COUNT_TIMES = re.compile(
    rf"\b(?P<verb>(?:failed|tried|attempted)\s+to\s+launch|launched|launches|launch)\b[^,.;]{{0,60}}?"
    rf"\b{_TIMES}\b"
    rf"|\b(?P<verb2>failed|tried|attempted)\s+{_TIMES.replace('<n>', '<n2>')}\b(?=[^.;]{{0,60}}?"
    r"\b(?:launch|satellite|orbit|rocket))"
    rf"|\b{_TIMES.replace('<n>', '<n3>')}\s+(?P<verb3>failed|tried|attempted)\s+to\s+"
    r"(?:launch|put|place|send)",
    re.I,
)


def _extract_count(sentence: _Sentence) -> list[_Found]:
    found = []
    for match in _COUNT_TIMES.finditer(sentence.text):
        group = next(g for g in ("n", "n2", "n3") if match.group(g))
        words = match.group(group).lower()
        value = {"once": 1.0, "twice": 2.0, "thrice": 3.0}.get(words)
        if value is None:
            number = NUMBER.match(match.group(group))
            value = read_number(number) if number else None
        if value is None:
            continue
        spec = {"orbital": True}
        verb = match.group("verb") or match.group("verb2") or match.group("verb3")
        if verb.lower().startswith("failed"):
            spec["outcome"] = "failure"
        found.extend(
            _count_claim(sentence, match.start(), match.end(), match.start(group), value, "exact", "", spec)
        )
    for match in _COUNT.finditer(sentence.text):
        start = match.start()
        words = match.group("n").lower()
        number_match = NUMBER.search(match.group("n"))
        if words in ("a single", "only one") or (words.startswith(("only", "just")) and number_match):
            relation, hedge = "exact", "only"
        else:
            relation, hedge, hedge_start = _hedge_before(sentence, start)
            start = min(start, hedge_start)
        if words == "no":
            value = 0.0
        elif words == "a single":
            value = 1.0
        else:
            value = read_number(number_match) if number_match else None
        if value is None or value != int(value):
            continue
        spec = _launch_filter(sentence, match.start(), match.end())
        found.extend(
            _count_claim(sentence, start, match.end(), match.start("n"), value, relation, hedge, spec)
        )
    return found


def _count_claim(
    sentence: _Sentence,
    start: int,
    end: int,
    anchor: int,
    value: float,
    relation: str,
    hedge: str,
    spec: dict[str, Any],
) -> list[_Found]:
    """Return a count of launches: whose (a country or a site), in which period."""
    if not sentence.free(start, end):
        return []
    clause_start, clause_end = sentence.clause_of(anchor)
    sites, site_words = _sites_from(sentence, end, clause_end)
    if not sites:
        sites, site_words = _sites_from(sentence, 0, len(sentence.text), near=anchor)
    dates = [d for d in _find_dates(sentence) if d.start >= clause_start]
    period, used = _period(sentence, dates)
    if used and used.end > end and used.start - end < 40:
        end = used.end
    understood = {
        "value": value,
        "relation": relation,
        "hedge": hedge or None,
        "filter": spec,
        "sites": site_words or None,
        "period": period,
    }
    if not sites:
        return [
            _unresolved(
                "count", start, end, understood, "the claim does not say whose launches (a country or a site)"
            )
        ]
    if period is None:
        return [
            _unresolved(
                "count", start, end, understood, "the claim gives no period ('this year', 'since 2016')"
            )
        ]
    rule = {
        "kind": "count",
        "dataset": "launches",
        "filter": {"sites": sites, **spec},
        "period": period,
        "relation": relation,
        "value": value,
    }
    return [_Found("count", start, end, rule, understood, anchor=anchor)]


_SHARE_FRACTION = re.compile(
    rf"(?P<n>{NUMBER_TEXT})\s+(?:out\s+)?of\s+(?:the\s+|its\s+|their\s+|[A-Z][\w-]*(?:'s|’s)\s+)?"
    rf"(?P<m>{NUMBER_TEXT})"
    rf"|(?P<pct>\d+(?:\.\d+)?)\s*(?:%|per\s?cent|percent)\s+of"
    rf"|(?P<n2>{NUMBER_TEXT})\s+in\s+(?:every\s+)?(?P<m2>{NUMBER_TEXT})\s+(?=(?:[\w-]+\s+){{0,2}}launch)"
    r"|(?P<frac>(?:a|one|two|three)[\s-]+(?:third|thirds|quarter|quarters|fifth|fifths|tenth|tenths))"
    r"\s+of",
    re.I,
)


def _extract_share(sentence: _Sentence) -> list[_Found]:
    lex = lexicon()
    found = []
    text = sentence.text
    starts = [(m.start(), m.end(), "q", m) for m in lex.quantifiers.finditer(text)]
    starts += [(m.start(), m.end(), "f", m) for m in _SHARE_FRACTION.finditer(text)]
    for start, end, how, match in sorted(starts, key=lambda item: item[0]):
        clause_start, clause_end = sentence.clause_of(start)
        noun = lex.launch_nouns.search(text, end, min(clause_end, end + 60))
        if not noun or not sentence.free(start, noun.end()):
            continue
        between = text[end : noun.start()]
        if re.search(r"[,;.]", between):
            continue
        if how == "q":
            quantifier = lex.quantifier_of.get(re.sub(r"[\s-]+", " ", match.group("q").lower()))
            if quantifier is None or (quantifier in ("all", "none") and not between.strip()):
                continue
            measure = {"quantifier": quantifier}
        elif match.group("pct"):
            relation, _, _ = _hedge_before(sentence, start)
            measure = {"relation": relation, "value": float(match.group("pct")) / 100}
        elif match.group("n2"):
            relation, _, _ = _hedge_before(sentence, start)
            top = read_number(NUMBER.match(match.group("n2")))
            bottom = read_number(NUMBER.match(match.group("m2")))
            if not top or not bottom or top > bottom:
                continue
            measure = {"relation": relation, "value": round(top / bottom, 6)}
        elif match.group("frac"):
            relation, _, _ = _hedge_before(sentence, start)
            measure = {"relation": relation, "value": round(fraction_value(match.group("frac")), 6)}
        else:
            top = read_number(NUMBER.match(match.group("n")))
            bottom = read_number(NUMBER.search(text, match.start("m")))
            if not top or not bottom or top > bottom:
                continue
            measure = {"relation": "exact", "value": round(top / bottom, 6)}
        # Whose launches: the group in the noun phrase ("Russia's"); from where: after "from"/"at",
        # else the sentence's subject.
        denominator, group_words = _sites_from(sentence, start, noun.end(), groups_first=True)
        if not denominator:
            denominator, group_words = _sites_from(sentence, clause_start, noun.end(), groups_first=True)
        tail = re.compile(r"\b(?:from|at|in)\s+", re.I)
        numerator, site_words = [], ""
        span_end = noun.end()
        for place in tail.finditer(text, noun.end(), len(text)):
            for mention in sentence.mentions:
                if mention.start == place.end() or (
                    mention.start >= place.end() and not text[place.end() : mention.start].strip(" the")
                ):
                    entity = mention.entity
                    codes = sentence.index.sites.get(entity, ()) if entity else ()
                    if codes:
                        numerator, site_words, span_end = list(codes), mention.text, mention.end
                    elif mention.how == "reference":
                        site_words, span_end = mention.text, mention.end
                    break
            if numerator or site_words:
                break
        if not numerator:
            subject = [
                m
                for m in sentence.mentions
                if m.end <= start and m.entity and sentence.index.sites.get(m.entity)
            ]
            if subject:
                numerator, site_words = list(sentence.index.sites[subject[-1].entity]), subject[-1].text
        spec = _launch_filter(sentence, start, noun.end())
        dates = _find_dates(sentence)
        period, used = _period(sentence, dates)
        span_start = start
        if (
            used
            and used.end <= start
            and not text[used.end : start].strip(" ,")
            and not text[sentence.clause_of(used.start)[0] : used.start].strip(" ,")
        ):
            span_start = used.start
        understood = {
            "quantifier": measure.get("quantifier"),
            "relation": measure.get("relation"),
            "value": measure.get("value"),
            "of": group_words or None,
            "from": site_words or None,
            "filter": spec,
            "period": period,
        }
        if not numerator:
            problem = (
                f"{site_words!r} is no launch site the reference data knows"
                if site_words
                else "the claim does not say from which site"
            )
            found.append(_unresolved("share", span_start, span_end, understood, problem))
            continue
        if not denominator:
            groups = [codes for codes in sentence.index.groups.values() if set(numerator) <= set(codes)]
            denominator = list(groups[0]) if groups else []
        if not denominator:
            found.append(
                _unresolved(
                    "share", span_start, span_end, understood, "the claim does not say of whose launches"
                )
            )
            continue
        if period is None:
            found.append(
                _unresolved(
                    "share",
                    span_start,
                    span_end,
                    understood,
                    "the claim gives no period ('since 2016', 'this year')",
                )
            )
            continue
        denominator = list(dict.fromkeys([*denominator, *numerator]))
        rule = {
            "kind": "share",
            "dataset": "launches",
            "numerator": {"sites": numerator, **spec},
            "denominator": {"sites": denominator, **spec},
            "period": period,
            **measure,
        }
        found.append(_Found("share", span_start, span_end, rule, understood, anchor=start))
    return found


_FACTOR_WORDS = {"twice": 2.0, "double": 2.0, "thrice": 3.0, "triple": 3.0, "half": 0.5}
_COMPARATIVE = (
    r"(?:larger|bigger|greater|more extensive|wider|vaster|the size of|as large as|"
    r"as big as|the area of|as extensive as|smaller)"
)
_RATIO = re.compile(
    rf"(?P<factor>{NUMBER_TEXT}|twice|thrice)\s*(?:times|x|-fold|fold)?\s+"
    rf"(?P<comp>{_COMPARATIVE})(?:\s+(?:in\s+(?:size|area)\s+)?than)?\s+"
    r"|(?P<fraction>(?:a|one)\s+(?:half|third|quarter|fifth|tenth|hundredth)|half)\s+"
    r"(?:(?:of\s+)?the\s+(?:size|area)\s+of|as\s+(?:large|big)\s+as|of)\s+"
    r"|(?P<same>the\s+(?:same\s+)?size\s+of|(?:comparable|similar)\s+(?:in\s+(?:size|area)\s+)?to"
    r"(?:\s+the\s+(?:size|area)\s+of)?|as\s+(?:large|big)\s+as|equivalent\s+(?:in\s+size\s+)?to"
    r"(?:\s+the\s+(?:size|area)\s+of)?|on\s+a\s+par\s+with)\s+"
    r"|(?P<bare>larger|bigger|greater|smaller)(?:\s+in\s+(?:size|area))?\s+than\s+",
    re.I,
)


def _extract_ratio(sentence: _Sentence) -> list[_Found]:
    found = []
    for match in _RATIO.finditer(sentence.text):
        start, end = match.span()
        if not sentence.free(start, end):
            continue
        relation, hedge, hedge_start = _hedge_before(sentence, start)
        if match.group("factor"):
            word = match.group("factor").lower()
            factor = _FACTOR_WORDS.get(word)
            if factor is None:
                number = NUMBER.match(match.group("factor"))
                factor = read_number(number) if number else None
            if not factor:
                continue
            if (
                "times" not in match.group(0).lower()
                and word not in _FACTOR_WORDS
                and "fold" not in match.group(0).lower()
                and " x " not in match.group(0).lower()
            ):
                continue
            if match.group("comp").lower() == "smaller":
                factor = 1 / factor
        elif match.group("fraction"):
            factor = parse_number(match.group("fraction"))
        elif match.group("same"):
            factor = 1.0
            relation = relation if hedge else "about"
        else:
            factor = 1.0
            bare = match.group("bare").lower()
            relation = "less_than" if bare == "smaller" else "more_than"
        base = next(
            (m for m in sentence.mentions if m.start >= end and m.entity and m.how in ("alias", "fuzzy")),
            None,
        )
        if base is None:
            phrase = re.match(r"(?:the\s+)?((?:[\w'-]+\s*){1,5})", sentence.text[end:])
            entity = sentence.index.resolve_phrase(phrase.group(0), ("area",)) if phrase else None
            if entity is None:
                continue
            base = Mention(entity, end, end + len(phrase.group(0).rstrip()), phrase.group(0), "phrase")
        between = sentence.text[end : base.start]
        if re.search(r"[,;.]", between):
            continue
        words = sentence.text[max(0, start - 60) : base.end]
        props = [
            p
            for w in lexicon().property_words.finditer(words)
            for p in _properties_of_word(w.group(0).lower())
            if p in ("area", "population")
        ]
        props = list(dict.fromkeys([*props, "area"]))
        entity, prop, mention, problem = _resolve(
            sentence, hedge_start, props, after=False, exclude=(base.entity,)
        )
        span_start = min(hedge_start, start)
        if (
            mention is not None
            and mention.end <= span_start
            and span_start - mention.end < 25
            and not re.search(r"[,;]", sentence.text[mention.end : span_start])
        ):
            span_start = mention.start
        span_end = base.end
        if NUMBER.search(sentence.text, end, base.start):
            # "larger than the approximately 5 km² Naro": the base's own figure is a claim of its own.
            span_end = start + len(match.group(0).rstrip())
        understood = {
            "entity": entity,
            "property": prop,
            "base": base.entity,
            "relation": relation,
            "factor": factor,
            "hedge": hedge or None,
        }
        base_fact = sentence.index.fact(base.entity, prop)
        if problem or not base_fact:
            problem = (
                problem or f"no reference data for the {_words(prop)} of {sentence.index.name(base.entity)}"
            )
            found.append(_unresolved("ratio", span_start, span_end, understood, problem))
            continue
        rule = {
            "kind": "ratio",
            "fact": sentence.index.fact(entity, prop),
            "base": base_fact,
            "relation": relation,
            "factor": round(factor, 6),
        }
        found.append(_Found("ratio", span_start, span_end, rule, understood, anchor=start))
    return found


_BETWEEN = re.compile(
    rf"\b(?:between|from)\s+(?P<a>{NUMBER_TEXT})\s+(?:and|to)\s+(?=(?P<b>{NUMBER_TEXT}))"
    rf"|(?P<a2>\d[\d,.]*)\s*(?:-|–|to)\s*(?=(?P<b2>\d[\d,.]*))",
    re.I,
)


def _unit_after(text: str, position: int) -> tuple[str, str, int] | None:
    """Return (unit, dimension, end) for a unit written right after `position`."""
    lex = lexicon()
    match = lex.unit_after.match(text[position : position + 40])
    if not match:
        return None
    unit, dimension = lex.unit_of[match.lastgroup]
    return unit, dimension, position + match.end()


def _extract_quantity(sentence: _Sentence) -> list[_Found]:
    lex = lexicon()
    text = sentence.text
    found = []
    ranges = {m.start(): m for m in _BETWEEN.finditer(text)}
    for match in NUMBER.finditer(text):
        start, end = match.span()
        if not sentence.free(start, end):
            continue
        value = read_number(match)
        if value is None:
            continue
        high = None
        relation, hedge, hedge_start = _hedge_before(sentence, start)
        pair = ranges.get(start) or next(
            (
                r
                for r in ranges.values()
                if r.start() < start
                and r.end() >= start
                and r.group("a") is not None
                and r.start("a") == start
            ),
            None,
        )
        pair = pair or next(
            (
                r
                for r in ranges.values()
                if r.start("a") == start or (r.group("a2") and r.start("a2") == start)
            ),
            None,
        )
        if pair is not None:
            second = NUMBER.match(text, pair.start("b") if pair.group("b") else pair.start("b2"))
            if second is not None:
                high_value = read_number(second)
                if high_value is not None and high_value > value:
                    high, relation, hedge = high_value, "between", "between"
                    hedge_start = min(hedge_start, pair.start())
                    end = second.end()
        money_before = lex.currency_before.search(text, max(0, start - 5), start)
        if money_before and match.group("digits") and not match.group("scale"):
            # "$115m", "$2bn", "$40k": money writes its scale as a letter.
            letter = re.match(r"(m|mn|bn|b|k)(?![\w])", text[end : end + 3], re.I)
            if letter:
                value *= {"m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "k": 1e3}[letter.group(1).lower()]
                end += letter.end()
        unit_info = _unit_after(text, end)
        unit_end = unit_info[2] if unit_info else end
        if money_before or lex.currency_after.match(text[end : end + 30]):
            money_end = end if money_before else end + lex.currency_after.match(text[end:]).end()
            per = lex.per_year.match(text[money_end : money_end + 30])
            unit_info = (
                ("USD/year", "money_per_year", money_end + per.end()) if per else ("USD", "money", money_end)
            )
            unit_end = unit_info[2]
            if money_before:
                start = money_before.start()
                if relation == "exact":  # "about $115 million": the hedge precedes the symbol
                    relation, hedge, hedge_start = _hedge_before(sentence, start)
        if unit_info is None and _PEOPLE_BEFORE.search(text, max(0, hedge_start - 40), hedge_start):
            unit_info = ("people", "people", end)  # "a population of about 7,000"
        if unit_info is None:
            continue
        unit, dimension, unit_end = unit_info
        if (
            unit == "m"
            and money_before is None
            and text[end : end + 1] == "m"
            and value < 100
            and re.match(r"m\b", text[end : end + 2])
            and match.group("digits") is None
        ):
            continue
        if dimension == "count":
            continue  # launches are counted against the launch list, not as a stored number
        after = lex.after_hedge.match(text[unit_end : unit_end + 20])
        if after and relation == "exact":
            relation = lex.after_hedge_of.get(re.sub(r"[\s-]+", " ", after.group("hedge").lower()), "exact")
            hedge = after.group("hedge")
            unit_end += after.end()
        found.extend(
            _quantity_claim(
                sentence,
                value,
                high,
                unit,
                dimension,
                relation,
                hedge,
                min(hedge_start, start),
                unit_end,
                start,
            )
        )
    return found


_PEOPLE_BEFORE = re.compile(
    r"(?:population\s+(?:of|is|was|stands\s+at|reached|numbers)|home\s+to|inhabited\s+by|"
    r"housing|to\s+house|houses|populated\s+by)\s*$",
    re.I,
)


def _quantity_properties(sentence: _Sentence, start: int, end: int, dimension: str) -> list[str]:
    """Return the properties a quantity may be, nearest words first, then its dimension's."""
    lex = lexicon()
    text = sentence.text
    clause_start, clause_end = sentence.clause_of(start)
    window_start = max(0, min(clause_start, start - 80))
    scored = []
    for word in lex.property_words.finditer(text, window_start, min(len(text), clause_end + 30)):
        distance = word.start() - end if word.start() >= end else start - word.end()
        for prop in _properties_of_word(word.group(0).lower()):
            entry = lex.data["properties"][prop]
            if entry.get("dimension") == dimension:
                scored.append((distance + (0 if word.start() >= clause_start else 40), prop))
    ordered = [prop for _, prop in sorted(scored)]
    defaults = [
        name
        for name, entry in lex.data["properties"].items()
        if entry.get("dimension") == dimension
        and name not in ("diameter", "length", "width", "planned_population")
    ]
    return list(dict.fromkeys([*ordered, *defaults]))


_DISTANCE_TAIL = re.compile(
    r"^\s*(?:(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ward)?\s+)?"
    r"(?:of|from|to|away from)\s+(?:the\s+)?(?:town\s+of\s+|city\s+of\s+)?(?P<what>[\w'-]+)",
    re.I,
)


def _quantity_claim(
    sentence: _Sentence,
    value: float,
    high: float | None,
    unit: str,
    dimension: str,
    relation: str,
    hedge: str,
    start: int,
    end: int,
    anchor: int,
) -> list[_Found]:
    index = sentence.index
    text = sentence.text
    props = _quantity_properties(sentence, start, end, dimension)
    forced = None
    if dimension == "length":
        tail = _DISTANCE_TAIL.match(text[end : end + 60])
        if tail:
            target = next((m for m in sentence.mentions if m.start >= end and m.entity), None)
            names = [target.entity] if target and target.start - end < 40 else []
            names.append(tail.group("what").lower())
            props = [f"distance_{way}_{name}" for name in names for way in ("to", "from")] + props
            if names[-1] in ("coast", "sea", "ocean", "shore", "coastline"):
                props = [*lexicon().data["coast_properties"], *props]
            end = target.end if target and target.start - end < 40 else end + tail.end()
    # "the approximately 5 square kilometer Naro Space Center": the number describes what follows.
    following = next((m for m in sentence.mentions if m.start >= end), None)
    if (
        following
        and following.entity
        and re.fullmatch(r"\s*(?:[\w-]+\s+){0,2}?", text[end : following.start])
        and re.search(r"\b(?:the|a|an)\s*$", text[max(0, start - 6) : start])
    ):
        forced = following
    if forced is not None:
        prop = next((p for p in props if index.fact(forced.entity, p)), props[0] if props else None)
        entity, mention = forced.entity, forced
        problem = (
            ""
            if prop and index.fact(entity, prop)
            else (f"no reference data for the {_words(prop or dimension)} of {index.name(entity)}")
        )
        end = forced.end
    else:
        entity, prop, mention, problem = _resolve(sentence, start, props)
    secondary = []
    if prop:
        for other in lexicon().data["properties"].get(prop, {}).get("secondary", ()):
            fact = index.fact(entity, other)
            if fact:
                secondary.append(fact)
    understood = {
        "entity": entity,
        "property": prop,
        "relation": relation,
        "value": value,
        "unit": unit,
        "hedge": hedge or None,
    }
    if high is not None:
        understood["high"] = high
    if problem or not prop:
        return [
            _unresolved(
                "quantity",
                start,
                end,
                understood,
                problem or f"no property of the reference data is measured in {unit}",
            )
        ]
    rule: dict[str, Any] = {
        "kind": "quantity",
        "fact": index.fact(entity, prop),
        "relation": relation,
        "value": {"value": value, "unit": unit},
    }
    if high is not None:
        rule["high"] = {"value": high, "unit": unit}
    if secondary:
        rule["secondary"] = secondary
    if mention is not None and mention.end <= start:
        gap = text[mention.end : start]
        if len(gap) < 40 and not re.search(r"[,;]|\b(?:from|for|to|with|by)\b", gap):
            start = mention.start
    return [_Found("quantity", start, end, rule, understood, anchor=anchor)]


_DURATION_PART = rf"(?:{NUMBER_TEXT}|an?)[\s-]+(?P<unit%d>years?|months?|weeks?|days?)"
_DURATION = re.compile(
    rf"(?P<dur>{_DURATION_PART % 0}(?:(?:,\s*|\s+and\s+|\s+)(?:{_DURATION_PART % 1}))?"
    rf"(?:(?:,\s*|\s+and\s+|\s+)(?:{_DURATION_PART % 2}))?)(?![\w-])",
    re.I,
)
_DURATION_ITEM = re.compile(rf"(?P<n>{NUMBER_TEXT}|an?)[\s-]+(?P<unit>year|month|week|day)s?", re.I)


def _duration(text: str) -> dict[str, int] | None:
    parts: dict[str, int] = {}
    for item in _DURATION_ITEM.finditer(text):
        number = item.group("n").lower()
        value = 1.0 if number in ("a", "an") else parse_number(item.group("n"))
        if value is None or value != int(value):
            return None
        unit = item.group("unit").lower()
        if unit == "week":
            parts["days"] = parts.get("days", 0) + 7 * int(value)
        else:
            parts[unit + "s"] = parts.get(unit + "s", 0) + int(value)
    return parts or None


def _current_event(sentence: _Sentence, position: int) -> tuple[str | None, str | None]:
    """Return (current event, previous event) of the event group an event word points at."""
    events = sentence.index.events
    if not events:
        return None, None
    published = sentence.context.published
    past = [e for e in events if published is None or sentence.index.event_day(e) <= published]
    current = past[-1] if past else events[0]
    previous = events[events.index(current) - 1] if events.index(current) > 0 else None
    return current, previous


def _event_meant(sentence: _Sentence, start: int, end: int) -> str | None:
    """Return the event an event word means: "first"/"previous" or a year pick an earlier one."""
    index, text = sentence.index, sentence.text
    current, previous = _current_event(sentence, start)
    if current is None:
        return None
    before = text[max(0, start - 30) : start]
    if previous and re.search(
        r"\b(?:first|previous|previously|last|earlier|prior|former)\s+"
        r"(?:[\w-]+\s+)?$",
        before,
        re.I,
    ):
        return previous
    # "the 2019 summit", "met in 2019" (but not "first meeting since April 2019")
    near = text[max(0, start - 12) : end + 25]
    years = [int(y) for y in re.findall(r"(?<!since )\b((?:19|20)\d{2})\b", near)]
    if re.search(r"\bsince\b", near):
        years = []
    for year in years:
        matching = [e for e in index.events if index.event_day(e).year == year]
        if matching:
            return matching[-1]
    return current


def _extract_interval(sentence: _Sentence) -> list[_Found]:
    text = sentence.text
    lex = lexicon()
    found = []
    for match in _DURATION.finditer(text):
        start, end = match.span()
        if not sentence.free(start, end):
            continue
        before = text[max(0, start - 40) : start].lower()
        after = text[end : end + 30].lower()
        prep = re.search(
            r"(after|in|for|over|of|since|later than|than)\s+(?:the\s+)?(?:(?:first|last)\s+"
            r"time\s+in\s+)?(?:\w+\s+)?$",
            before,
        )
        if not prep and not re.match(r"\s+(?:later|after|apart|since|ago)\b", after):
            continue
        duration = _duration(match.group(0))
        if not duration:
            continue
        relation, hedge, hedge_start = _hedge_before(sentence, start)
        # Which two events: "N after X" names the first; otherwise an event word names the pair.
        first = None
        tail = re.match(r"\s+(?:after|since)\s+", text[end:])
        if tail:
            first = next(
                (
                    m
                    for m in sentence.mentions
                    if m.start >= end + tail.end() and m.entity and (m.entity, "date") in sentence.index.facts
                ),
                None,
            )
        has_event_word = lex.event_words.search(text) is not None
        current, previous = _current_event(sentence, start) if has_event_word else (None, None)
        understood = {"duration": duration, "relation": relation, "hedge": hedge or None}
        if first is not None:
            previous = first.entity
        if current is None or previous is None or current == previous:
            if has_event_word or first is not None:
                found.append(
                    _unresolved(
                        "interval",
                        min(start, hedge_start),
                        end,
                        understood,
                        "no two dated events of that kind are known",
                    )
                )
            continue
        understood.update(start_event=previous, end_event=current)
        rule = {
            "kind": "interval",
            "start": sentence.index.facts[(previous, "date")],
            "end": sentence.index.facts[(current, "date")],
            "relation": relation,
            "duration": duration,
        }
        found.append(_Found("interval", min(start, hedge_start), end, rule, understood, anchor=start))
    return found


_ORDINAL_EVENT = re.compile(
    rf"(?P<ord>{ORDINAL_TEXT})\s+(?:(?:[a-z-]+\s+)?)(?P<noun>"
    r"encounter|meeting|summit|visit|talks|face-to-face meeting)\b",
    re.I,
)


def _extract_ordinal_event(sentence: _Sentence) -> list[_Found]:
    found = []
    for match in _ORDINAL_EVENT.finditer(sentence.text):
        start, end = match.span()
        if not sentence.free(start, end):
            continue
        value = ordinal_value(match.group("ord"))
        if value is None or re.search(r"first[- ]ever", match.group(0), re.I):
            continue
        current, _ = _current_event(sentence, start)
        if value == 1 or current is None:
            continue
        fact = sentence.index.fact(current, "meeting_number")
        understood = {
            "entity": current,
            "property": "meeting_number",
            "relation": "exact",
            "value": value,
            "unit": "count",
        }
        if fact is None:
            found.append(
                _unresolved(
                    "quantity",
                    start,
                    end,
                    understood,
                    f"no reference data for the number of {sentence.index.name(current)}",
                )
            )
            continue
        rule = {
            "kind": "quantity",
            "fact": fact,
            "relation": "exact",
            "value": {"value": float(value), "unit": "count"},
        }
        found.append(_Found("quantity", start, end, rule, understood, anchor=start))
    return found


_ANNIVERSARY = re.compile(
    rf"(?P<ord>{ORDINAL_TEXT})\s+anniversary\s+of\s+(?:the\s+)?(?:establishment\s+of\s+|founding\s+of\s+)?"
    r"(?P<what>[^,.;:!?\"“”]+)"
    rf"|(?P<n>{NUMBER_TEXT})\s+years\s+(?:of|since)\s+(?:the\s+)?(?:establishment\s+of\s+)?"
    r"(?P<what2>[^,.;:!?\"“”]+)",
    re.I,
)


def _extract_anniversary(sentence: _Sentence) -> list[_Found]:
    found = []
    props = lexicon().data["anniversary_properties"]
    for match in _ANNIVERSARY.finditer(sentence.text):
        start = match.start()
        if not sentence.free(start, match.end()):
            continue
        if match.group("ord"):
            ordinal = ordinal_value(match.group("ord"))
            what_start, what = match.start("what"), match.group("what")
        else:
            number = NUMBER.match(match.group("n"))
            ordinal = int(read_number(number)) if number and read_number(number) else None
            what_start, what = match.start("what2"), match.group("what2")
            if not re.search(
                r"\b(?:relations|ties|diplomatic|founding|establishment|marking|"
                r"anniversary)\b",
                sentence.text,
                re.I,
            ):
                continue
        if not ordinal:
            continue
        named = next(
            (m for m in sentence.mentions if what_start <= m.start < what_start + len(what) and m.entity),
            None,
        )
        entity = named.entity if named else sentence.index.resolve_phrase(what, props)
        end = named.end if named else what_start + len(what.rstrip())
        prop = next((p for p in props if sentence.index.fact(entity, p)), None)
        year = _anniversary_year(sentence)
        understood = {"entity": entity, "property": prop, "ordinal": ordinal, "year": year}
        if entity is None or prop is None:
            found.append(
                _unresolved(
                    "anniversary", start, end, understood, f"no dated event is known for {what.strip()!r}"
                )
            )
            continue
        rule = {"kind": "anniversary", "fact": sentence.index.fact(entity, prop), "ordinal": ordinal}
        if year:
            rule["year"] = year
        found.append(_Found("anniversary", start, end, rule, understood, anchor=start))
    return found


def _anniversary_year(sentence: _Sentence) -> int | None:
    for expr in _find_dates(sentence):
        if expr.precision == "year":
            return int(expr.label)
    published = sentence.context.published
    return published.year if published else None


def _extract_date(sentence: _Sentence) -> list[_Found]:
    lex = lexicon()
    text = sentence.text
    found = []
    dates = _find_dates(sentence)
    according = [m.span() for m in _ACCORDING.finditer(text)]
    day = next((d for d in dates if d.precision == "day"), None)
    for moment in _TIME.finditer(text):
        clock = moment.group("ap") or moment.group("mi2") or moment.group("noon")
        if clock and sentence.free(moment.start(), moment.end()):
            found.extend(_date_claim(sentence, day, moment, lex))
    for expr in dates:
        if not sentence.free(expr.start, expr.end):
            continue
        # "According to TASS on the 13th" dates the report, not the event.
        if any(low <= expr.start <= high + 1 for low, high in according):
            continue
        if expr.prep in ("until", "from", "") and expr.precision != "day":
            continue
        found.extend(_date_claim(sentence, expr, None, lex))
    return found


def _date_claim(
    sentence: _Sentence, expr: _DateExpr | None, moment: re.Match | None, lex: Lexicon
) -> list[_Found]:
    text = sentence.text
    index = sentence.index
    anchor = moment.start() if moment else expr.start
    anchor_end = moment.end() if moment else expr.end
    clause_start, clause_end = sentence.clause_of(anchor)
    # The property: the nearest property word (an event verb names the current event).
    window = (max(0, anchor - 120), min(len(text), anchor_end + 160))
    scored = []
    for word in lex.property_words.finditer(text, *window):
        distance = anchor - word.end() if word.end() <= anchor else word.start() - anchor_end
        if word.start() < clause_start or word.start() >= clause_end:
            distance += 60
        for prop in _properties_of_word(word.group(0).lower()):
            entry = lex.data["properties"][prop]
            if entry.get("dimension") or entry.get("kind"):
                continue
            if bool(entry.get("time")) != (moment is not None):
                continue
            scored.append((distance, prop, word))
    scored.sort(key=lambda item: item[0])
    props = []
    for _, prop, _word in scored:
        props.append(prop)
        props.extend(lex.data["properties"][prop].get("also", ()))
    props = list(dict.fromkeys(props))
    if not props:
        return []
    event_word = next(
        (
            w
            for _, p, w in scored
            if (p in ("date", "meeting_time") and lex.event_words.search(w.group(0)))
            or lex.data["properties"][p].get("event")
        ),
        None,
    )
    nearest = scored[0][2]
    start = min(nearest.start(), expr.start if expr else anchor, anchor)
    end = max(nearest.end(), anchor_end)
    if expr is None:
        published = sentence.context.published
        label = published.isoformat() if published else None
    else:
        label = expr.label
    relation = _date_relation(expr)
    problem = ""
    if event_word is not None and (
        props[0] in ("date", "meeting_time") or lex.data["properties"][props[0]].get("event")
    ):
        current, previous = _current_event(sentence, anchor)
        if previous and re.search(
            r"\b(?:first|previous|previously|last|earlier|prior)\s+(?:\w+\s+)?$",
            text[max(0, event_word.start() - 25) : event_word.start()],
            re.I,
        ):
            current = previous  # "they last met in 2019", "their previous summit"
        elif (
            expr is not None
            and expr.precision != "day"
            and re.fullmatch(r"met|meet|meets", event_word.group(0), re.I)
        ):
            # "They met in 2019" says there was a meeting in 2019: any meeting of the group will do.
            inside = [
                e for e in index.events if expr.label == index.event_day(e).isoformat()[: len(expr.label)]
            ]
            current = inside[-1] if inside and current not in inside else current
        entity, prop, mention = current, props[0], None
        if current is None or not index.fact(current, prop):
            problem = "no dated event of that kind is known"
    else:
        entity, prop, mention, problem = _resolve(sentence, min(nearest.start(), anchor), props)
    if (
        mention is not None
        and mention.end <= start
        and not re.search(r"[,;]", text[mention.end : start])
        and start - mention.end < 60
    ):
        start = mention.start
    if expr is None and entity and index.fact(entity, "date"):
        # A time of day with no day in the sentence is read on the event's own day.
        day = index.snapshot.facts[index.fact(entity, "date")].preferred.days
        if day is not None and day.precision == "day":
            label = day.start.isoformat()
    understood = {"entity": entity, "property": prop, "relation": relation, "date": label}
    if moment is not None:
        understood["time"] = _clock(moment)
    if label is None:
        return [
            _unresolved(
                "date", start, end, understood, "the date depends on the article's date, which was not given"
            )
        ]
    if problem:
        return [_unresolved("date", start, end, understood, problem)]
    rule: dict[str, Any] = {
        "kind": "date",
        "fact": index.fact(entity, prop),
        "relation": relation,
        "date": label,
    }
    if moment is not None:
        clock = _clock(moment)
        if clock is None or len(label) != 10:
            return [_unresolved("date", start, end, understood, "the time has no day to go with it")]
        rule["relation"], rule["time"] = "on", clock
        if not moment.group("hedge") and (moment.group("mi") or moment.group("mi2")):
            rule["tolerance_minutes"] = 5
    moments = any(v.moment is not None for v in index.snapshot.facts[index.fact(entity, prop)].values)
    zone = _zone_for(sentence, moment, entity, anchor) if moments else None
    if zone:
        rule["timezone"] = zone
        understood["timezone"] = zone
    for other in lex.data["properties"].get(prop, {}).get("secondary", ()):
        fact = index.fact(entity, other)
        if fact:
            rule.setdefault("secondary", []).append(fact)
    return [_Found("date", start, end, rule, understood, anchor=anchor)]


def _date_relation(expr: _DateExpr | None) -> str:
    if expr is None:
        return "on"
    if expr.prep == "before":
        return "before"
    if expr.prep == "after":
        return "after"
    return "on" if expr.precision == "day" else "in"


def _clock(moment: re.Match) -> str | None:
    if moment.group("noon"):
        return "00:00" if moment.group("noon").lower() == "midnight" else "12:00"
    if moment.group("h2"):
        return f"{int(moment.group('h2')):02d}:{moment.group('mi2')}"
    hour = int(moment.group("h"))
    if not 1 <= hour <= 12:
        return None
    hour = hour % 12 + (12 if moment.group("ap").lower() == "p" else 0)
    return f"{hour:02d}:{moment.group('mi') or '00'}"


def _zone_for(sentence: _Sentence, moment: re.Match | None, entity: str | None, anchor: int) -> str | None:
    """Return the time zone a date or time is read in: stated, the place's, the event's, the article's."""
    entities = sentence.index.entities
    if moment is not None and moment.group("zone"):
        written = moment.group("zone").lower()
        if written in ZONES:
            return ZONES[written]
    for mention in sentence.mentions:
        place = entities.get(mention.entity) if mention.entity else None
        if place and place.type == "place" and place.timezone and mention.start > anchor - 200:
            return place.timezone
    if entity and entities.get(entity) and entities[entity].timezone:
        return entities[entity].timezone
    return sentence.context.timezone


# Locations: "in Amur Oblast", "near Svobodny", "met at the Vostochny Cosmodrome", "launched from here".
_LOCATION = re.compile(
    r"\b(?P<rel>in|near|close to|next to|not far from|outside|at|from|toured|visited|tour|tours|"
    r"visit|inspected|housed|lies in|located in|situated in)\s+",
    re.I,
)
_REGION_WORDS = re.compile(
    r"(?P<name>(?:[A-Z][\w'’-]*\s+){0,3}?(?:[A-Z][\w'’-]*))\s+"
    r"(?P<kind>Oblast|Krai|Province|Region|Republic|Okrug)\b"
    r"|(?P<macro>(?:the\s+)?(?:Russian\s+)?Far\s+East|Siberia|Central Asia)"
)
_PLACE_NAME = re.compile(r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}")
_NEAR = ("near", "close to", "next to", "not far from", "housed")
_GENERIC_PLACE = re.compile(r"(?:the\s+|a\s+)?(?:town|city|village|settlement|area|region)\s+of\s+", re.I)
_GENERIC_WORDS = re.compile(
    r"\b(?:cosmodrome|spaceport|space\s+cent(?:er|re)|launch\s+site|city|"
    r"town)\b",
    re.I,
)


def _place_after(sentence: _Sentence, position: int) -> Mention | None:
    """Return the named place that starts at `position` (after "the", "the town of")."""
    text = sentence.text
    for skip in (re.compile(r""), re.compile(r"the\s+", re.I), _GENERIC_PLACE):
        lead = skip.match(text, position)
        if lead is None:
            continue
        found = next((m for m in sentence.mentions if m.start == lead.end() and m.entity), None)
        if found:
            return found
    return None


def _extract_location(sentence: _Sentence) -> list[_Found]:
    text = sentence.text
    index = sentence.index
    found = []
    for match in _LOCATION.finditer(text):
        rel = match.group("rel").lower()
        place_start = match.end()
        target = _place_after(sentence, place_start)
        lead = re.match(r"(?:the\s+)?", text[place_start:], re.I)
        region = _REGION_WORDS.match(text, place_start + lead.end())
        written = None
        if target is None and region is None:
            # "in the Chyolkovsky area": a named place followed by "area".
            area = re.match(r"(?:the\s+)?(?P<name>[A-Z][\w'’-]+)\s+(?:area|district)\b", text[place_start:])
            entity = index.resolve_phrase(area.group("name")) if area else None
            if entity:
                target = Mention(entity, place_start, place_start + area.end(), area.group(0), "phrase")
            elif rel in _NEAR:
                phrase = re.match(r"(?:an?\s+)?((?:[\w'-]+\s*){1,4})", text[place_start:])
                entity = index.resolve_phrase(phrase.group(1), ("coordinates",)) if phrase else None
                if entity:
                    target = Mention(
                        entity,
                        place_start,
                        place_start + len(phrase.group(0).rstrip()),
                        phrase.group(0),
                        "phrase",
                    )
            elif rel in ("in", "lies in", "located in", "situated in"):
                # "Baikonur is in Kazakhstan": a capitalised name the data may hold as text.
                written = _PLACE_NAME.match(text, place_start)
        if target is None and region is None and written is None:
            continue
        start = match.start()
        end = target.end if target else (region or written).end()
        if not sentence.free(start, end):
            continue
        found.extend(_location_claim(sentence, rel, start, end, target, region, written))
    return found


def _place_text(index: Index, target: Mention, fact: str) -> str:
    """Return the claimed place as text: the fact's own wording when both name the same entity."""
    value = index.snapshot.facts[fact].preferred.text or ""
    if index.alias_of.get(value.casefold()) == target.entity or index.resolve_phrase(value) == target.entity:
        return value
    # Otherwise the distinctive part of the name, so "Baikonur Cosmodrome" is not half-way to
    # "Vostochny Cosmodrome" because both are cosmodromes.
    name = index.short_name(target.entity)
    return _GENERIC_WORDS.sub("", name).strip() or name


def _location_claim(
    sentence: _Sentence,
    rel: str,
    start: int,
    end: int,
    target: Mention | None,
    region: re.Match | None,
    written: re.Match | None = None,
) -> list[_Found]:
    index = sentence.index
    text = sentence.text
    lex = lexicon()
    before = text[max(0, start - 80) : start]
    events = lex.event_words.search(before) or re.search(
        r"\b(?:toured|visited|tour|visit|inspected|held)\b", text[max(0, start - 80) : end], re.I
    )
    launched = rel == "from" and re.search(
        r"\b(?:launch\w*|lifted off|lift(?:s|ed)? off|blasted off|took off|flew)\s+(?:[\w-]+\s+){0,2}$",
        before,
        re.I,
    )
    previous = next((m for m in reversed(sentence.mentions) if m.end <= start and m.entity), None)
    after_place = (
        previous is not None
        and re.fullmatch(r"[\s,]{0,3}", text[previous.end : start])
        and index.entities[previous.entity].type == "place"
    )
    if rel in _NEAR:
        return _near(sentence, start, end, target)
    if (
        target is not None
        and events
        and not after_place
        and rel in ("at", "in", "toured", "visited", "tour", "tours", "visit", "inspected")
    ):
        verb = re.search(
            r"\b(?:met|meet|meets|meeting|summit|toured|visited|tour|visit|"
            r"inspected|held|talks)\b",
            text[max(0, start - 80) : end],
            re.I,
        )
        offset = max(0, start - 80)
        current = (
            _event_meant(sentence, offset + verb.start(), offset + verb.end())
            if verb
            else _current_event(sentence, start)[0]
        )
        if current and index.entities[target.entity].type == "place" and index.fact(current, "location"):
            fact = index.fact(current, "location")
            span_start = (max(0, start - 80) + verb.start()) if verb else start
            place = _place_text(index, target, fact)
            understood = {"entity": current, "property": "location", "relation": "in", "region": place}
            rule = {"kind": "location", "fact": fact, "relation": "in", "region": place}
            return [_Found("location", span_start, end, rule, understood, anchor=start)]
    if launched and target is not None:
        subject, prop, _, problem = _resolve(
            sentence, start, ("launch_site",), after=False, exclude=(target.entity,)
        )
        understood = {
            "entity": subject,
            "property": prop,
            "relation": "in",
            "region": index.short_name(target.entity),
        }
        verb = re.search(
            r"(?:\b(?:was|were|is|has been|had been)\s+)?(?:also\s+)?\b(?:launch\w*|"
            r"lifted off|lift(?:s|ed)? off|blasted off|took off|flew)\b[^,;]*$",
            text[:start],
            re.I,
        )
        span_start = verb.start() if verb else start
        if problem:
            return [_unresolved("location", span_start, end, understood, problem)]
        fact = index.fact(subject, prop)
        understood["region"] = place = _place_text(index, target, fact)
        rule = {"kind": "location", "fact": fact, "relation": "in", "region": place}
        return [_Found("location", span_start, end, rule, understood, anchor=start)]
    if rel in ("in", "lies in", "located in", "situated in", "at"):
        return _containment(sentence, start, end, target, region, written)
    return []


def _near(sentence: _Sentence, start: int, end: int, target: Mention | None) -> list[_Found]:
    """Return "X is near Y": within 100 km, the editorial threshold documented in the README."""
    index = sentence.index
    if target is None or target.entity is None:
        return []
    subject, _, mention, _ = _resolve(
        sentence, start, ("coordinates", "nearest_town"), after=False, exclude=(target.entity,)
    )
    if subject is None:
        return []
    span_start = _subject_start(sentence, mention, start)
    fact, other = index.fact(subject, "coordinates"), index.fact(target.entity, "coordinates")
    understood = {"entity": subject, "property": "coordinates", "relation": "near", "target": target.entity}
    if fact and other:
        rule = {
            "kind": "location",
            "fact": fact,
            "relation": "near",
            "target": other,
            "distance": {"value": 100, "unit": "km"},
        }
        return [_Found("location", span_start, end, rule, understood, anchor=start)]
    town = index.fact(subject, "nearest_town")
    if town:
        # No coordinates for the town, but the data names the town next to the place.
        place = _place_text(index, target, town)
        understood.update(property="nearest_town", relation="in", region=place)
        rule = {"kind": "location", "fact": town, "relation": "in", "region": place}
        return [_Found("location", span_start, end, rule, understood, anchor=start)]
    return [
        _unresolved(
            "location",
            span_start,
            end,
            understood,
            f"no coordinates for {index.name(subject)} or {index.name(target.entity)}",
        )
    ]


def _subject_start(sentence: _Sentence, mention: Mention | None, start: int) -> int:
    if (
        mention is not None
        and mention.end <= start
        and start - mention.end < 30
        and not re.search(r"[,;]", sentence.text[mention.end : start])
    ):
        return mention.start
    return start


CONTAINERS = ("region", "macro_region", "nearest_town", "districts", "country", "location")


def _containment(
    sentence: _Sentence,
    start: int,
    end: int,
    target: Mention | None,
    region: re.Match | None,
    written_match: re.Match | None,
) -> list[_Found]:
    """Return "X is in Y": Y is compared with every container of X the data knows (oblast, town...)."""
    index = sentence.index
    text = sentence.text
    preferred: tuple[str, ...] = ()
    if region is not None and region.group("macro"):
        written = re.sub(r"^the\s+", "", region.group("macro"), flags=re.I)
        preferred = ("macro_region",)
    elif region is not None:
        written, preferred = region.group(0), ("region",)
    elif target is not None:
        if index.entities[target.entity].type != "place":
            return []
        written = index.short_name(target.entity)
    elif written_match is not None:
        # A bare name the data has no entity for ("Kazakhstan") is checked against a country only.
        written, preferred = written_match.group(0), ("country",)
    else:
        return []
    exclude = {target.entity} if target is not None else set()
    # "the Vostochny Cosmodrome in Amur Oblast": the place just before "in" is the subject.
    previous = next((m for m in reversed(sentence.mentions) if m.end <= start and m.entity), None)
    adjacent = previous is not None and re.fullmatch(r"[\s,]{0,3}", text[previous.end : start])
    if (
        adjacent
        and index.entities[previous.entity].type == "place"
        and previous.entity not in exclude
        and any(index.fact(previous.entity, p) for p in CONTAINERS)
    ):
        subject, mention = previous.entity, previous
    else:
        if adjacent:
            # "the Chyolkovsky area of Amur Oblast in the Russian Far East": Amur Oblast has no
            # container in the data, so the claim is about the sentence's subject.
            exclude.add(previous.entity)
        subject, _, mention, problem = _resolve(sentence, start, CONTAINERS, exclude=exclude)
        if problem or subject is None:
            # Only a place said to be in a region is a claim; "in 2012" and "in Russia" are not.
            if region is None or subject is None:
                return []
            understood = {"entity": subject, "relation": "in", "region": written}
            return [_unresolved("location", start, end, understood, problem)]
    if index.entities[subject].type != "place":
        return []
    facts = [index.fact(subject, p) for p in (*preferred, *CONTAINERS) if index.fact(subject, p)]
    facts = [f for f in dict.fromkeys(facts) if index.snapshot.facts[f].preferred.text is not None]
    if not facts:
        if region is None:
            return []
        understood = {"entity": subject, "relation": "in", "region": written}
        return [
            _unresolved(
                "location", start, end, understood, f"no reference data on where {index.name(subject)} lies"
            )
        ]
    if preferred and index.snapshot.facts[facts[0]].property in preferred:
        fact = facts[0]
    elif written_match is not None:
        return []
    else:
        # Y may be any of X's containers: the one whose name is closest to Y is the one meant.
        fact = max(
            facts,
            key=lambda f: fuzz.token_set_ratio(
                written.casefold(), index.snapshot.facts[f].preferred.text.casefold()
            ),
        )
    if target is not None:
        written = _place_text(index, target, fact)
    understood = {
        "entity": subject,
        "property": index.snapshot.facts[fact].property,
        "relation": "in",
        "region": written,
    }
    rule = {"kind": "location", "fact": fact, "relation": "in", "region": written}
    return [_Found("location", _subject_start(sentence, mention, start), end, rule, understood, anchor=start)]


_BECAME_PART = re.compile(
    r"(?P<subject>[A-Z][\w-]+)\s+(?:became|is|was|has been)\s+(?:a\s+)?part\s+of\s+"
    r"(?P<country>[A-Z][\w-]+)(?:'s\s+territory)?"
)


def _extract_country(sentence: _Sentence) -> list[_Found]:
    found = []
    for match in _BECAME_PART.finditer(sentence.text):
        if not sentence.free(match.start(), match.end()):
            continue
        entity = sentence.index.alias_of.get(match.group("subject").casefold())
        if entity is None or not sentence.index.fact(entity, "country"):
            continue
        country = match.group("country")
        understood = {"entity": entity, "property": "country", "relation": "in", "region": country}
        rule = {
            "kind": "location",
            "fact": sentence.index.fact(entity, "country"),
            "relation": "in",
            "region": country,
        }
        found.append(_Found("location", match.start(), match.end(), rule, understood, anchor=match.start()))
    return found


_LEASE = re.compile(
    r"(?P<who>[A-Z][\w-]+)\s+(?:had\s+to\s+|has\s+to\s+|have\s+to\s+|must\s+|)"
    r"(?P<verb>lease|leases|leased|rent|rents|rented)\s+(?P<what>the\s+facility|the\s+site|"
    r"the\s+cosmodrome|it|[A-Z][\w-]+(?:\s+Cosmodrome)?)"
    r"(?:\s+from\s+(?P<owner>[A-Z][\w-]+))?"
)


def _extract_lease(sentence: _Sentence) -> list[_Found]:
    found = []
    for match in _LEASE.finditer(sentence.text):
        if not sentence.free(match.start(), match.end()):
            continue
        what = match.group("what")
        entity = sentence.index.alias_of.get(what.casefold())
        if entity is None:
            entity = next(
                (
                    e
                    for e in (
                        *[m.entity for m in sentence.mentions if m.end <= match.start() and m.entity][::-1],
                        *reversed(sentence.context.recent),
                    )
                    if sentence.index.fact(e, "lease")
                ),
                None,
            )
        claimed = f"leased by {match.group('who')}"
        if match.group("owner"):
            claimed += f" from {match.group('owner')}"
        understood = {"entity": entity, "property": "lease", "claimed": claimed}
        if entity is None or not sentence.index.fact(entity, "lease"):
            found.append(
                _unresolved(
                    "role",
                    match.start(),
                    match.end(),
                    understood,
                    f"no reference data on who leases {what!r}",
                )
            )
            continue
        rule = {"kind": "role", "fact": sentence.index.fact(entity, "lease"), "claimed": claimed}
        found.append(_Found("role", match.start(), match.end(), rule, understood, anchor=match.start()))
    return found


_NAME = r"(?:[A-Z][\w'’.-]+\s+){0,3}[A-Z][\w'’-]+"


@lru_cache(maxsize=1)
def _role_patterns() -> tuple[re.Pattern, ...]:
    role = f"(?i:{lexicon().role_words})"
    of_org = r"\s+(?i:of)\s+(?:(?i:the)\s+)?(?P<org>[^,.;()]+)"
    return (
        re.compile(rf"(?P<person>{_NAME}),\s+(?:(?i:the|a)\s+)?(?P<role>{role}){of_org}"),
        re.compile(rf"(?P<org>{_NAME})(?:'s|’s)?\s+(?P<role>{role})\s+(?P<person>{_NAME})"),
        re.compile(
            rf"(?P<person>{_NAME})\s+(?:is|was|has been|became|serves as|served as)\s+"
            rf"(?:not\s+|no\s+longer\s+)?(?:the\s+)?(?P<role>{role}){of_org}"
        ),
        re.compile(
            rf"(?i:the)\s+(?P<role>{role})\s+(?i:of)\s+(?:(?i:the)\s+)?(?P<org>{_NAME}),?\s+"
            rf"(?P<person>{_NAME})"
        ),
        re.compile(rf"(?P<org>{_NAME})\s+(?:is|was)\s+(?:headed|led|run)\s+by\s+(?P<person>{_NAME})"),
        re.compile(
            rf"(?P<person>{_NAME})\s+(?:heads|headed|leads|led|runs|ran|chairs|chaired)\s+"
            rf"(?:the\s+)?(?P<org>{_NAME})"
        ),
    )


def _extract_role(sentence: _Sentence) -> list[_Found]:
    index = sentence.index
    found = []
    for pattern in _role_patterns():
        for match in pattern.finditer(sentence.text):
            start, end = match.span()
            if not sentence.free(start, end):
                continue
            org_text = match.group("org").strip()
            org_start = match.start("org")
            org = next(
                (
                    m.entity
                    for m in sentence.mentions
                    if org_start <= m.start < org_start + len(org_text)
                    and m.entity
                    and index.fact(m.entity, "head")
                ),
                None,
            )
            person_text = match.group("person").strip()
            person_start = match.start("person")
            person_mention = next(
                (
                    m
                    for m in sentence.mentions
                    if person_start <= m.start < person_start + len(person_text) and m.entity
                ),
                None,
            )
            person = person_mention.entity if person_mention else None
            if person and index.entities[person].type != "person":
                person = None
            # Titles before a name ("President Putin") are not part of the claimed name.
            name = person_mention.text if person_mention else person_text
            if org is not None:
                rule = {"kind": "role", "fact": index.fact(org, "head"), "claimed": name}
                understood = {"entity": org, "property": "head", "claimed": name, "person": person}
            elif person is not None and index.fact(person, "position"):
                role = match.group("role")
                claimed = (
                    sentence.text[match.start("role") : org_start + len(org_text)]
                    if "role" in match.groupdict() and match.start("role") < org_start
                    else f"{role} of {org_text}"
                )
                rule = {"kind": "role", "fact": index.fact(person, "position"), "claimed": claimed}
                understood = {"entity": person, "property": "position", "claimed": claimed}
            else:
                continue
            span_start = min(start, person_mention.start) if person_mention else start
            span_end = max(org_start + len(org_text), match.end("person"))
            found.append(_Found("role", span_start, span_end, rule, understood, anchor=start))
    return found


_RESPONSIBLE = re.compile(
    r",?\s+who\s+(?P<what>(?:oversees|supervises|is responsible for|is in charge of|"
    r"manages|runs|directs|leads|heads)\s+[^,.;]+)",
    re.I,
)
_DELEGATION = re.compile(
    r"\b(?:was|were|is|are)\s+(?:also\s+)?(?:included\s+in|part\s+of|among|"
    r"a\s+member\s+of)\s+(?:the\s+|his\s+|her\s+|[A-Z][\w-]*'s\s+)?(?P<noun>delegation|entourage|"
    r"retinue)\b|\b(?P<by>(?:was|were)\s+(?:accompanied|joined)\s+by)\s+",
    re.I,
)


def _extract_person_facts(sentence: _Sentence) -> list[_Found]:
    index = sentence.index
    found = []
    people = [m for m in sentence.mentions if m.entity and index.entities[m.entity].type == "person"]
    for match in _RESPONSIBLE.finditer(sentence.text):
        person = next((m for m in reversed(people) if m.end <= match.start()), None)
        if person is None or not index.fact(person.entity, "responsibility"):
            continue
        start = match.start("what")
        if not sentence.free(start, match.end()):
            continue
        # "oversees satellite development in North Korea": the trailing place is not the role.
        claimed = re.sub(
            r"\s+in\s+(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*$", "", match.group("what").strip()
        )
        rule = {"kind": "role", "fact": index.fact(person.entity, "responsibility"), "claimed": claimed}
        understood = {"entity": person.entity, "property": "responsibility", "claimed": claimed}
        found.append(_Found("role", start - len(" who "), match.end(), rule, understood, anchor=start))
    for match in _DELEGATION.finditer(sentence.text):
        if not sentence.free(match.start(), match.end()):
            continue
        if match.group("by"):
            # "Kim was accompanied by Pak Thae Song": the member follows.
            person = next((m for m in people if m.start >= match.end()), None)
        else:
            # "Park Tae-sung ... was included in the delegation": the member is the subject.
            person = next(
                (
                    m
                    for m in people
                    if m.end <= match.start()
                    and not _LOCATIVE.search(sentence.text, max(0, m.start - 12), m.start)
                ),
                None,
            )
        current, _ = _current_event(sentence, match.start())
        fact = next(
            (f for (e, p), f in index.facts.items() if e == current and p.endswith("delegation")), None
        )
        if person is None or fact is None:
            continue
        claimed = index.short_name(person.entity)
        rule = {"kind": "role", "fact": fact, "claimed": claimed}
        understood = {"entity": current, "property": fact.split(".", 1)[1], "claimed": claimed}
        end = max(match.end(), person.end) if match.group("by") else match.end()
        found.append(_Found("role", match.start(), end, rule, understood, anchor=match.start()))
    return found


_SUPERLATIVE = re.compile(
    r"\bthe\s+(?P<sup>largest|biggest|smallest|oldest|busiest|most important|"
    r"main|first|only)\s+(?P<what>(?:[\w-]+\s+){0,2}?(?:spaceport|cosmodrome|"
    r"launch site|city|town|base))\b",
    re.I,
)


def _extract_superlative(sentence: _Sentence) -> list[_Found]:
    found = []
    for match in _SUPERLATIVE.finditer(sentence.text):
        if not sentence.free(match.start(), match.end()):
            continue
        if match.group("sup").lower() in ("first", "only", "main"):
            continue
        named = [m for m in sentence.mentions if m.entity and m.how in ("alias", "fuzzy")]
        if not named:
            continue
        understood = {
            "entity": named[0].entity,
            "ranking": match.group("sup").lower(),
            "among": match.group("what"),
        }
        problem = f"no reference data ranks {match.group('what')}s by what '{match.group('sup')}' measures"
        end = max(match.end(), named[-1].end)
        found.append(_unresolved("ranking", min(match.start(), named[0].start), end, understood, problem))
    return found


_DEEP_INLAND = re.compile(
    r"\b(?:deep|far)\s+inland\b|\blandlocked\b|\bfar from the (?:sea|ocean|coast)\b", re.I
)


def _extract_inland(sentence: _Sentence) -> list[_Found]:
    found = []
    for match in _DEEP_INLAND.finditer(sentence.text):
        if not sentence.free(match.start(), match.end()):
            continue
        props = tuple(lexicon().data["coast_properties"])
        entity, prop, _, problem = _resolve(sentence, match.start(), props)
        understood = {
            "entity": entity,
            "property": prop,
            "relation": "more_than",
            "value": 200,
            "unit": "km",
            "hedge": match.group(0),
        }
        start = match.start()
        located = re.search(r"\b(?:located|situated|lies|lying|is|sits)\s+$", sentence.text[:start], re.I)
        start = located.start() if located else start
        if problem:
            found.append(_unresolved("quantity", start, match.end(), understood, problem))
            continue
        # "Deep inland" has no number; 200 km from the coast is the editorial threshold (README).
        rule = {
            "kind": "quantity",
            "fact": sentence.index.fact(entity, prop),
            "relation": "more_than",
            "value": {"value": 200, "unit": "km"},
        }
        found.append(_Found("quantity", start, match.end(), rule, understood, anchor=match.start()))
    return found


# Attribution: quotations with a speaker, reported speech ("X said that ...", "according to X").

_REPORTED = re.compile(
    r"(?P<verb>reported|said|stated|announced|claimed|noted|added|expressed)\s+"
    r"(?:that\s+|(?:his|her|their)\s+)?(?P<what>[^\"“”]+)",
    re.I,
)


def _speaker_near(sentence: _Sentence, low: int, high: int) -> str | None:
    """Return the person or organisation that speaks a quotation from low to high, if named."""
    entities = sentence.index.entities
    text = sentence.text
    speakers = [
        m
        for m in sentence.mentions
        if m.entity and m.how in ("alias", "fuzzy") and entities[m.entity].type in ("person", "organisation")
    ]
    # "Putin stated, '...'" / "Putin welcomed Kim, saying, '...'": the first speaker before a verb.
    before = [m for m in speakers if m.end <= low and _SPEECH.search(text, m.end, low)]
    if before:
        return before[0].entity
    # "'...,' Putin said." / "'...,' said Putin."
    after = [m for m in speakers if m.start >= high and m.start - high < 40]
    if after and _SPEECH.search(text, high, min(len(text), after[0].end + 15)):
        return after[0].entity
    return None


def _extract_attribution(sentence: _Sentence) -> list[_Found]:
    text = sentence.text
    found = []
    quotes = _quotations(text)
    for low, high in quotes:
        while high > low and text[high - 1] in " ,;:":
            high -= 1
        statement = text[low:high].strip()
        if len(statement.split()) < 3:
            continue
        speaker = _speaker_near(sentence, low, high)
        if speaker is None and (
            low == 0 or re.search(r"\b(?:and|then)\s+(?:added|said|continued)\W*$", text[:low])
        ):
            speaker = sentence.context.speaker
        if speaker is None:
            speaker = _speaker_of_quote(sentence, statement)
        understood = {"speaker": speaker, "statement": statement}
        if speaker is None:
            found.append(
                _unresolved("attribution", low, high, understood, "the quotation's speaker is not named")
            )
            continue
        rule = {"kind": "attribution", "speaker": speaker, "statement": statement}
        found.append(_Found("attribution", low, high, rule, understood, negatable=False, anchor=low))
    if quotes:
        return found
    for match in _ACCORDING.finditer(text):
        who = _speaker(sentence, match.group("who"))
        if who is None:
            continue
        rest_start, rest_end = (match.end(), len(text)) if match.start() < 5 else (0, match.start())
        rest = text[rest_start:rest_end]
        rest = re.sub(r"^\s*on the \d+\w*,?\s*|^[\s,]+|[\s,.]+$", "", rest)
        if len(rest.split()) < 3:
            continue
        understood = {"reported_by": who, "statement": rest, "according_to": True}
        rule = {"kind": "attribution", "reported_by": who, "statement": rest}
        found.append(
            _Found(
                "attribution",
                0,
                len(text.rstrip(". ")),
                rule,
                understood,
                negatable=False,
                anchor=match.start(),
            )
        )
    for match in _REPORTED.finditer(text):
        speakers = [
            m
            for m in sentence.mentions
            if m.end <= match.start()
            and m.entity
            and m.how in ("alias", "fuzzy")
            and sentence.index.entities[m.entity].type in ("organisation", "person")
            and not re.search(r"[,;]", text[m.end : match.start()])
        ]
        if not speakers:
            continue
        who = speakers[0]
        what_end = match.end()
        for cut in _CLAUSE_BREAK.finditer(text, match.start("what")):
            what_end = cut.start()
            break
        statement = text[match.start("what") : what_end].strip(" .,")
        if len(statement.split()) < 3:
            continue
        field_name = "reported_by" if match.group("verb").lower() == "reported" else "speaker"
        rule = {"kind": "attribution", field_name: who.entity, "statement": statement}
        understood = {field_name: who.entity, "statement": statement}
        found.append(
            _Found(
                "attribution", who.start, what_end, rule, understood, negatable=False, anchor=match.start()
            )
        )
    return found


def _speaker(sentence: _Sentence, words: str) -> str | None:
    """Return the entity id of a speaker named in `words` (a person or an agency)."""
    for mention in sentence.mentions:
        if (
            mention.entity
            and mention.text in words
            and sentence.index.entities[mention.entity].type in ("person", "organisation")
        ):
            return mention.entity
    return sentence.index.resolve_phrase(words) if words.strip() else None


def _speaker_of_quote(sentence: _Sentence, statement: str) -> str | None:
    """Return who said a quotation the article attributes elsewhere (a headline's quote)."""
    best, score = None, 0.0
    for words, speaker in sentence.context.quotes:
        similarity = fuzz.token_set_ratio(statement.casefold(), words.casefold())
        similarity = max(similarity, fuzz.partial_ratio(statement.casefold(), words.casefold()))
        if similarity > score:
            best, score = speaker, similarity
    return best if score >= 60 else None


# Most specific first: a later extractor skips stretches an earlier one has claimed. Attributions
# may enclose other claims (a quoted anniversary is both a quotation and an anniversary).
EXTRACTORS = (
    _extract_share,
    _extract_count,
    _extract_anniversary,
    _extract_interval,
    _extract_ordinal_event,
    _extract_ratio,
    _extract_quantity,
    _extract_role,
    _extract_person_facts,
    _extract_lease,
    _extract_country,
    _extract_date,
    _extract_inland,
    _extract_location,
    _extract_superlative,
    _extract_attribution,
)


# ----------------------------------------------------------------------------------------------
# Parsing and checking


def _negated(sentence: _Sentence, found: _Found) -> bool:
    if not found.negatable:
        return False
    text = sentence.text
    clause_start, _ = sentence.clause_of(max(found.anchor, found.start))
    scope_start = min(clause_start, found.start)
    scope_end = found.end
    for match in lexicon().negation.finditer(text, scope_start, scope_end + 1):
        after = text[match.end() : match.end() + 12].lower()
        if after.startswith((" only", " just")) or re.match(r"\s+(?:more|less|fewer)\s+than", after):
            continue
        return True
    return False


def _apply_negation(found: _Found) -> tuple[dict, bool]:
    """Return the rule to evaluate and whether the verdict must be inverted afterwards."""
    relation = found.rule.get("relation")
    if relation in FLIPPED and found.kind in ("quantity", "ratio", "count", "interval"):
        return {**found.rule, "relation": FLIPPED[relation]}, False
    return found.rule, True


@lru_cache(maxsize=4096)
def _compile(rule_json: str) -> Rule:
    """Validate a rule once: the same claim recurs across sentences and articles."""
    return load_rule(json.loads(rule_json))


def parse_sentence(
    sentence: str, snapshot: Snapshot, context: ParseContext | None = None
) -> list[ParsedClaim]:
    """Return every claim one sentence makes, compiled to rules or with the reason it cannot be."""
    context = context or ParseContext()
    text = sentence[:MAX_SENTENCE]
    index = index_for(snapshot)
    analysis = _Sentence(text, index, context)
    analysis.mentions = _find_mentions(text, index, context)
    analysis.clauses = _clauses(text)
    found: list[_Found] = []
    for extractor in EXTRACTORS:
        for item in extractor(analysis):
            if (
                not analysis.free(item.start, item.end)
                and item.start < item.anchor < item.end
                and analysis.free(item.anchor, item.end)
            ):
                item.start = item.anchor  # the subject belongs to an earlier claim; keep the rest
            if analysis.free(item.start, item.end) or item.kind == "attribution":
                found.append(item)
                if item.kind != "attribution":
                    analysis.taken.append((item.start, item.end))
    if any(f.rule and f.kind != "attribution" for f in found):
        # "According to TASS, X" is checked through X itself when X can be checked.
        found = [f for f in found if not f.understood.get("according_to")]
    claims = []
    for item in sorted(found, key=lambda f: (f.start, f.end)):
        negated = bool(item.rule) and _negated(analysis, item)
        understood = {**item.understood, "negated": negated, "span": [item.start, item.end]}
        rule = item.rule
        problem = item.problem
        if rule and negated:
            rule, invert = _apply_negation(item)
            understood["negation"] = (
                "verdict inverted" if invert else (f"relation flipped to {rule['relation']}")
            )
        compiled = None
        if rule:
            try:
                compiled = _compile(json.dumps(rule, sort_keys=True))
            except InvalidRule as error:
                problem, rule = f"the compiled rule is invalid: {error} {error.errors}", {}
        claims.append(
            ParsedClaim(
                text, item.start, item.end, item.kind, rule, understood, negated, problem, compiled=compiled
            )
        )
    return claims


def _unverifiable(reason: str, rule: Mapping[str, Any], snapshot: Snapshot, as_of: dt.date) -> Result:
    return Result.unverifiable(reason, dict(rule), as_of, snapshot.id)


def judge_claim(claim: ParsedClaim, snapshot: Snapshot, as_of: dt.date) -> Result:
    """Evaluate one parsed claim (an unverifiable result with its reason when it has no rule)."""
    if not claim.rule:
        return _unverifiable(f"Unverifiable: {claim.problem}.", claim.understood, snapshot, as_of)
    result = evaluate(claim.compiled or load_rule(claim.rule), snapshot, as_of)
    if claim.negated and claim.understood.get("negation") == "verdict inverted":
        verdict = INVERTED.get(result.verdict, result.verdict)
        if verdict is not result.verdict or result.verdict is Verdict.MISLEADING:
            reason = (
                f"The claim is negated. Its positive form is {result.verdict.value.replace('_', ' ')}"
                f": {result.reason} So the negated claim is {verdict.value.replace('_', ' ')}."
            )
            result = result._replace(verdict=verdict, reason=reason)
    return result


def as_context(context: ParseContext | Mapping[str, Any] | str | None, as_of: dt.date) -> ParseContext:
    """Return a parse context from a context, a mapping of its fields, or a main entity id."""
    if isinstance(context, str):
        context = ParseContext(main_entity=context)
    elif isinstance(context, Mapping):
        fields = dict(context)
        if isinstance(fields.get("published"), str):
            fields["published"] = dt.date.fromisoformat(fields["published"][:10])
        for key in ("recent", "quotes"):
            if key in fields:
                fields[key] = tuple(fields[key])
        context = ParseContext(**fields)
    context = context or ParseContext()
    return context if context.published else replace(context, published=as_of)


def check_text(
    text: str,
    snapshot: Snapshot,
    as_of: dt.date,
    context: ParseContext | Mapping[str, Any] | str | None = None,
) -> list[tuple[ParsedClaim, Result]]:
    """Parse free text (one or more sentences) and evaluate every claim as of `as_of`.

    `context` is a ParseContext, a mapping of its fields, or the id of the main entity; "the 13th"
    and "this year" are read against its `published` date (by default `as_of`). A sentence with
    nothing the parser can compile yields one unverifiable result with the reason.
    """
    context = as_context(context, as_of)
    results = []
    for piece in split_sentences(text) or []:
        claims = parse_sentence(piece.text, snapshot, context)
        checked = [c for c in claims if c.rule or c.problem]
        if not checked:
            claim = ParsedClaim(
                piece.text,
                0,
                len(piece.text),
                None,
                {},
                {"negated": False},
                False,
                "no checkable claim was recognised in the sentence",
                offset=piece.start,
            )
            results.append((claim, judge_claim(claim, snapshot, as_of)))
            continue
        for claim in checked:
            claim = replace(claim, offset=piece.start)
            results.append((claim, judge_claim(claim, snapshot, as_of)))
    if not results:
        # Blank text has no sentence at all; it still gets its one unverifiable answer.
        claim = ParsedClaim(
            text, 0, len(text), None, {}, {"negated": False}, False, "the text holds no sentence"
        )
        results.append((claim, judge_claim(claim, snapshot, as_of)))
    return results


def main_entity(text: str, snapshot: Snapshot) -> str | None:
    """Return the most-mentioned place of a text (else the most-mentioned entity), by alias."""
    index = index_for(snapshot)
    counts: Counter[str] = Counter()
    for mention in _find_mentions(text, index, ParseContext()):
        if mention.entity and mention.how in ("alias", "fuzzy"):
            counts[mention.entity] += 1
    places = [(n, e) for e, n in counts.items() if index.entities[e].type == "place"]
    if places:
        return max(places)[1]
    return counts.most_common(1)[0][0] if counts else None


def quotations(
    sentence: str, snapshot: Snapshot, context: ParseContext | None = None
) -> list[tuple[str, str | None]]:
    """Return each quotation in a sentence with the entity that speaks it (None if not named)."""
    context = context or ParseContext()
    index = index_for(snapshot)
    analysis = _Sentence(sentence[:MAX_SENTENCE], index, context)
    analysis.mentions = _find_mentions(analysis.text, index, context)
    pairs = []
    for low, high in _quotations(analysis.text):
        speaker = _speaker_near(analysis, low, high)
        if speaker is None and (
            low == 0 or re.search(r"\b(?:and|then)\s+(?:added|said|continued)\W*$", analysis.text[:low])
        ):
            speaker = context.speaker
        pairs.append((analysis.text[low:high].strip(" ,"), speaker))
    return pairs


def named_entities(sentence: str, snapshot: Snapshot) -> list[str]:
    """Return the entities a sentence names by alias or a close spelling, in order."""
    index = index_for(snapshot)
    return [
        m.entity
        for m in _find_mentions(sentence[:MAX_SENTENCE], index, ParseContext())
        if m.entity and m.how in ("alias", "fuzzy")
    ]
