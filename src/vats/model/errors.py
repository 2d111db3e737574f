"""Error types shared by every layer, each carrying the process exit code the CLI maps it to.

One table of exit codes keeps the CLI, scripts and CI gates consistent: a pipeline can tell
"the licence has problems" (1) from "the input was unusable" (2) without parsing messages.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes used by every `vats` command."""

    OK = 0
    FINDINGS = 1  # the command worked and found high/critical problems or failing checks
    BAD_INPUT = 2  # unusable input: file, encoding, syntax, unknown field, unsupported date
    CONFLICT = 3  # optimistic-concurrency conflict or duplicate: retry with fresh data
    REFUSED = 4  # the action is not allowed (retention period, permission, integrity)
    UNAVAILABLE = 5  # a required service (database, network) could not be reached
    INTEGRITY = 6  # the audit chain or stored data failed verification


class VatsError(Exception):
    """Base class: a failure the user can act on, with a message that names the problem."""

    exit_code: ExitCode = ExitCode.BAD_INPUT

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.field = field
        super().__init__(self.describe())

    def describe(self) -> str:
        """Render `file:line: field: message`, omitting parts that are unknown."""
        where = ""
        if self.source:
            where = self.source
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


class InputError(VatsError):
    """The input (document, events file, rule file, argument) cannot be used as given."""

    exit_code = ExitCode.BAD_INPUT


class ConflictError(VatsError):
    """Someone else changed the record first, or a unique record already exists."""

    exit_code = ExitCode.CONFLICT


class RefusedError(VatsError):
    """The action is forbidden: inside a retention period, or the actor lacks the right."""

    exit_code = ExitCode.REFUSED


class NotFoundError(VatsError):
    """The requested record does not exist (or is not visible to the actor)."""

    exit_code = ExitCode.BAD_INPUT


class UnavailableError(VatsError):
    """A required service could not be reached."""

    exit_code = ExitCode.UNAVAILABLE


class IntegrityError(VatsError):
    """Stored data failed verification (for example a broken audit hash chain)."""

    exit_code = ExitCode.INTEGRITY
