"""The domain's errors: one root, each subclass also a builtin so callers can catch either."""


class ClaimcheckError(Exception):
    """Root of every error claimcheck raises on purpose."""


class ReferenceDataError(ClaimcheckError, ValueError):
    """A reference data file is malformed; the message names the file and the field."""


class CatalogError(ClaimcheckError, ValueError):
    """A claims catalog file is malformed; the message names the file and the field."""


class UnknownRuleKind(ClaimcheckError, KeyError):
    """A rule names a kind that is not in the registry."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown rule kind"


class InvalidRule(ClaimcheckError, ValueError):
    """A rule's fields are missing, unknown or out of range; `errors` maps field to messages."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.errors = errors or {}


class UnsafeQuantity(ClaimcheckError, ValueError):
    """A number or unit string failed the strict check that protects pint."""


class UnknownClaim(ClaimcheckError, LookupError):
    """No catalog claim has this id."""


class UnknownFact(ClaimcheckError, LookupError):
    """No reference fact has this id."""
