"""The domain exception tree. Services raise these; one API handler and one page helper map them."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal a user should read: the message is Chinese and safe to show."""

    code = "domain_error"
    http_status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class ValidationFailed(DomainError):
    code = "invalid"

    def __init__(self, errors: dict[str, list[str]] | str, *, field: str | None = None) -> None:
        if isinstance(errors, str):
            errors = {field or "__all__": [errors]}
        self.errors = errors
        first = next(iter(errors.values()))[0]
        super().__init__(first, field=next(iter(errors)))


class InvalidTransition(DomainError):
    code = "invalid_transition"
    http_status = 409


class NotPermitted(DomainError):
    code = "not_permitted"
    http_status = 403


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class DeadlinePassed(DomainError):
    code = "deadline_passed"
    http_status = 409
