"""The committed OpenAPI document: `python -m service.openapi` regenerates service/openapi.json.

`--check` exits 1 when the committed file differs from what the schemas generate (tests do the same).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from flask import Flask

from service import api

COMMITTED = Path(__file__).with_name("openapi.json")


def document() -> dict[str, Any]:
    """Return the OpenAPI document generated from the schemas (no data is loaded)."""
    return api.init_app(Flask(__name__)).spec.to_dict()


def render(spec: dict[str, Any]) -> str:
    """Return the document as the committed file's text."""
    return json.dumps(spec, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) service/openapi.json."""
    parser = argparse.ArgumentParser(prog="python -m service.openapi", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the committed file is stale")
    args = parser.parse_args(argv)
    text = render(document())
    if args.check:
        current = COMMITTED.read_text(encoding="utf-8") if COMMITTED.exists() else ""
        if current != text:
            print(f"{COMMITTED} is stale: run python -m service.openapi", file=sys.stderr)
            return 1
        print(f"{COMMITTED} is up to date")
        return 0
    COMMITTED.write_text(text, encoding="utf-8")
    print(f"wrote {COMMITTED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
