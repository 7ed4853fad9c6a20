"""`attribution`: whether someone said something, against the snapshot's cached statements.

Only records by the given speaker and/or reporter, dated on or before `as_of` (and within `date` if
given), are searched. The closest record, by word set or by the best-aligned stretch of text, decides:
a similarity of 90 or more is verbatim (accurate), 55 to 90 a paraphrase (approximately accurate).
No record, or none that resembles the statement, is unverifiable: a cache cannot prove a negative.

Holds (DW's record of Putin's answer on satellites)::

    {kind: attribution, speaker: putin, statement: "That's why we came here", date: "2023-09-13"}

Does not hold (unverifiable: TASS's record is about the meeting time)::

    {kind: attribution, speaker: tass, statement: Russia will help North Korea build satellites}
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from rapidfuzz import fuzz

from rules.fields import PartialDate, text
from rules.kinds.base import Kind
from rules.kinds.role import fold
from rules.model import Outcome, Step, Verdict
from rules.reference import Statement

SPEAKER_ID = r"^[a-z0-9_-]{1,60}$"
VERBATIM, PARAPHRASE = 90.0, 55.0


def _speaker_id(**kwargs) -> fields.String:
    return fields.String(validate=validate.Regexp(SPEAKER_ID, error="must be an id like 'putin'"), **kwargs)


class Params(Schema):
    speaker = _speaker_id()
    reported_by = _speaker_id()
    statement = text(1000, required=True)
    date = PartialDate()

    @validates_schema
    def someone_to_attribute(self, data, **kwargs):
        if "speaker" not in data and "reported_by" not in data:
            raise ValidationError("give 'speaker', 'reported_by' or both", "speaker")


def resemblance(claimed: str, recorded: str) -> float:
    """Return how closely a claimed statement matches a recorded one, 0 to 100."""
    a, b = fold(claimed), fold(recorded)
    # The word set forgives reordering and filler; the best-aligned stretch finds a quote that is
    # an excerpt of a longer record.
    return max(fuzz.token_set_ratio(a, b), fuzz.partial_ratio(a, b))


def _who(params) -> str:
    words = [params["speaker"]] if "speaker" in params else []
    if "reported_by" in params:
        words.append(f"reported by {params['reported_by']}")
    return " ".join(words)


def _records(count: int) -> str:
    return f"{count} cached record" + "s" * (count != 1)


def _candidates(params, context) -> list[Statement]:
    when = params.get("date")
    return [
        s
        for s in context.snapshot.statements
        if params.get("speaker", s.speaker) == s.speaker
        and params.get("reported_by", s.reported_by) == s.reported_by
        and s.date <= context.as_of
        and (when is None or when.contains(s.date))
    ]


def _closest(statement: str, pool: list[Statement]) -> tuple[float, float, Statement]:
    """Return the record most like the statement, with its resemblance to the words and to the gist."""
    # Words that answer a question ("That's why we came here") share little with their paraphrase, so a
    # record may carry an editor's gist of what the answer affirmed; it counts for a paraphrase, never
    # for a verbatim match. The bare context is not used: it would credit a speaker with a question.
    # Ties go to the record closest as a whole.
    scored = [
        (
            resemblance(statement, r.text),
            max(resemblance(statement, r.text), resemblance(statement, r.gist) if r.gist else 0.0),
            fuzz.ratio(fold(statement), fold(r.text)),
            r,
        )
        for r in pool
    ]
    words, in_context, _, best = max(scored, key=lambda entry: (max(entry[:2]), entry[2]))
    return words, in_context, best


def evaluate(params, values, context) -> Outcome:
    who = _who(params)
    when = f" dated {params['date'].label}" if "date" in params else ""
    pool = _candidates(params, context)
    if not pool:
        return Outcome.unverifiable(
            f"There is no cached record of {who}{when} up to {context.as_of.isoformat()}."
        )
    words, score, best = _closest(params["statement"], pool)
    steps = (
        Step("records", f"cached statements of {who}{when} up to {context.as_of}", str(len(pool))),
        Step("closest", f"{best.id} ({best.source.publisher}, {best.date})", best.text),
        Step(
            "comparison",
            "similarity of casefolded texts (word set, best-aligned stretch), 0-100: "
            "words alone / the record's gist",
            f"{words:.0f} / {score:.0f}",
        ),
    )
    if score < PARAPHRASE:
        return Outcome(
            Verdict.UNVERIFIABLE,
            f"The statement was not found in {_records(len(pool))} of {who}{when}; "
            f"the closest ({best.id}) scores {score:.0f} < {PARAPHRASE:.0f}. A missing "
            f"record does not show it was not said.",
            steps,
            records=(best.to_dict(),),
        )
    if words >= VERBATIM:
        verdict, how = Verdict.ACCURATE, f"verbatim (similarity {words:.0f} ≥ {VERBATIM:.0f})"
    else:
        verdict = Verdict.APPROXIMATELY_ACCURATE
        how = f"a paraphrase (similarity {score:.0f}, from {PARAPHRASE:.0f} to {VERBATIM:.0f})"
    reason = (
        f"{best.source.publisher} ({best.date}) records {best.speaker}: {best.text!r}; the "
        f"claimed {params['statement']!r} is {how}."
    )
    return Outcome(verdict, reason, steps, records=(best.to_dict(),))


KIND = Kind(
    "attribution",
    "Whether someone said something, against cached statements.",
    Params,
    evaluate,
    fact_fields=(),
)
