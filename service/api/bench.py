"""POST /v1/_bench/echo: a bare JSON echo, the throughput ceiling the benchmarks compare against.

Registered only when `CLAIMCHECK_BENCH_ECHO` is true (see `service.api.init_app`), so it is neither
served nor documented otherwise. It parses with the same strict JSON parser as every endpoint and
does nothing else.
"""

from __future__ import annotations

from flask import current_app, request
from werkzeug.exceptions import UnsupportedMediaType

from service import jsonparse
from service.api.blueprint import Blueprint

blp = Blueprint(
    "bench",
    __name__,
    url_prefix="/v1/_bench",
    description="Benchmark only (CLAIMCHECK_BENCH_ECHO): the JSON echo every endpoint is compared with.",
)


@blp.route("/echo", methods=["POST"])
def echo():
    """Answer the JSON body as it was sent (parsed strictly, then serialised again)."""
    if not request.is_json:
        raise UnsupportedMediaType("Send the body as application/json.")
    body = jsonparse.loads(request.get_data(cache=False), current_app.config["MAX_JSON_DEPTH"])
    return current_app.response_class(current_app.json.dumps(body), mimetype="application/json")
