"""The `claimcheck` command: check catalog claims, structured rules or text from a terminal.

It builds the same app as the server (`create_app()`, configured by CLAIMCHECK_* variables) and
answers through the same functions, so a verdict here is the verdict the API gives.
"""

from __future__ import annotations

import json
from typing import Any

import click
from flask.cli import AppGroup, ScriptInfo

from rules.errors import InvalidRule, UnknownClaim
from rules.fields import MAX_TEXT
from rules.rule import load_rule
from service import create_app, jsonparse
from service.errors import validation_items
from service.migrations import db_upgrade_command
from service.refresh.command import refresh_command
from service.state import current_state
from service.verdicts import catalog_claim_json, check_catalog_claim, check_rule, check_text


@click.group(cls=AppGroup, context_settings={"obj": ScriptInfo(create_app=create_app, set_debug_flag=False)})
def main() -> None:
    """Check news claims against sourced reference data."""


main.add_command(refresh_command)
main.add_command(db_upgrade_command)


def _rule(text: str):
    try:
        return load_rule(jsonparse.loads(text))
    except jsonparse.RejectedJSON as error:
        raise click.BadParameter(f"not valid JSON: {error}", param_hint="--rule") from None
    except InvalidRule as error:
        problems = "; ".join(
            f"{item['pointer'] or '/'}: {item['message']}" for item in validation_items(error.errors)
        ) or str(error)
        raise click.BadParameter(problems, param_hint="--rule") from None


def render(result: dict[str, Any]) -> str:
    """Return a result as readable text: the claim, the verdict, the arithmetic and the sources."""
    lines = []
    if "claim" in result:
        claim, article = result["claim"], result["claim"]["article"]
        lines += [
            f"Claim {claim['id']}: \u201c{claim['quote']}\u201d",
            f"  in {article['title']} ({article['publisher']}, {article['published']})",
        ]
    if "input" in result:
        lines.append(f"Text: \u201c{result['input']['text']}\u201d")
    rating = result["rating"]
    lines += [
        f"Verdict: {result['verdict']} ({rating['label']}, {rating['value']} of {rating['best']})",
        f"Reason: {result['reason']}",
    ]
    if result["computation"]:
        lines.append("Computation:")
        lines += [
            f"  {step['label']}: {step['expression']} \u2192 {step['result']}"
            for step in result["computation"]
        ]
    if result["evidence"]:
        lines.append("Evidence:")
    for item in result["evidence"]:
        source = item["source"]
        used = " (used in the verdict)" if item.get("used_in_verdict") else ""
        lines += [
            f"  - {item['fact']}: {item['value']}{used}",
            f"    {source['publisher']}, {source['url']}, retrieved {source['retrieved']}",
        ]
    if not result["robust"]:
        lines.append("Not robust: another choice of sources gives a different verdict.")
    lines.append(f"As of {result['as_of']}, reference snapshot {result['snapshot']}.")
    return "\n".join(lines)


@main.command()
@click.option("--claim-id", help="A catalog claim id (judged as of its article's date).")
@click.option("--rule", "rule_json", metavar="JSON", help="A structured rule as a JSON object.")
@click.option("--text", help=f"Free text (at most {MAX_TEXT} characters; not parsed yet).")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Judge as of YYYY-MM-DD.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def check(claim_id: str | None, rule_json: str | None, text: str | None, as_of, as_json: bool):
    """Check one claim and print the verdict with its evidence."""
    given = [
        name
        for name, value in (("--claim-id", claim_id), ("--rule", rule_json), ("--text", text))
        if value is not None
    ]
    if len(given) != 1:
        raise click.UsageError("give exactly one of --claim-id, --rule or --text")
    state, day = current_state(), as_of.date() if as_of else None
    if claim_id is not None:
        try:
            claim = state.catalog.claim(claim_id)
        except UnknownClaim as error:
            raise click.ClickException(str(error)) from None
        result = check_catalog_claim(claim, state.snapshot, day)
    elif rule_json is not None:
        result = check_rule(_rule(rule_json), state.snapshot, day)
    else:
        if len(text) > MAX_TEXT:
            raise click.BadParameter(f"at most {MAX_TEXT} characters", param_hint="--text")
        result = check_text(text, state.snapshot, state.catalog, day)
    click.echo(json.dumps(result, indent=2, ensure_ascii=False) if as_json else render(result))


@main.command()
@click.option("--article", help="Only the claims of this article id.")
@click.option("--json", "as_json", is_flag=True, help="Print the claims as JSON.")
def catalog(article: str | None, as_json: bool):
    """List the catalog's articles and claims."""
    chosen = current_state().catalog.for_article(article)
    if as_json:
        click.echo(json.dumps([catalog_claim_json(claim) for claim in chosen], indent=2, ensure_ascii=False))
        return
    shown = None
    for claim in chosen:
        if claim.article.id != shown:
            shown = claim.article.id
            click.echo(
                f"{shown}: {claim.article.title} ({claim.article.publisher}, "
                f"{claim.article.published.isoformat()})"
            )
        click.echo(f"  {claim.id}  {claim.rule.kind:<12} \u201c{claim.quote}\u201d")
