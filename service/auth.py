"""Admin authorisation: a bearer token from CLAIMCHECK_ADMIN_TOKEN, compared in constant time."""

from __future__ import annotations

import hmac

from flask import current_app, request

from service.errors import Problem

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="claimcheck"'}


def require_admin() -> None:
    """Raise a 401 problem without a bearer token and a 403 problem for a wrong one."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(401, "Unauthorized", "This needs an admin bearer token.", headers=CHALLENGE)
    expected = current_app.config.get("ADMIN_TOKEN") or ""
    # With no token configured every token is wrong: admin actions are off rather than open.
    if not expected or not hmac.compare_digest(token.strip().encode(), str(expected).encode()):
        raise Problem(403, "Forbidden", "The bearer token is not the admin token.")
