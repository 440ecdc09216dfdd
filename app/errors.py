"""Domain exceptions raised by services; views and the API map them to responses."""


class ChainMatchError(Exception):
    """Base class; `status` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, message: str = "", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ChainMatchError):
    status = 404


class PermissionDenied(ChainMatchError):
    status = 403


class ValidationFailed(ChainMatchError):
    """Input that passed shape checks but breaks a rule; `field` names the culprit."""

    status = 422


class Conflict(ChainMatchError):
    status = 409


class InvalidState(ChainMatchError):
    """The record is not in a state that allows this operation."""

    status = 409


class AccountLocked(ChainMatchError):
    status = 429


class ImportRejected(ChainMatchError):
    """A bulk import file broke the format; `problems` lists every one of them."""

    status = 422

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s) in the import file")
        self.problems = problems
