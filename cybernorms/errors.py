"""The one kind of error a user should ever see: a single line naming the file, the place, the
problem and what to do. The CLI prints it and exits with status 2."""

from __future__ import annotations

EXIT_INPUT = 2
SHOWN = 60  # the longest value a message quotes whole


def shown(value: str, limit: int = SHOWN) -> str:
    """A value as a message quotes it (repr), cut with an ellipsis after `limit` characters: a
    message stays one readable line, whatever was given."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(value):,} characters)"


class CybernormsError(Exception):
    """A problem with the user's input or environment, reported on one line."""

    def __init__(
        self, where: str | None, line: int | None, problem: str, hint: str | None = None, column: int | None = None
    ):
        self.where = where
        self.line = line
        self.column = column
        self.problem = problem
        self.hint = hint
        super().__init__(self.message)

    def __reduce__(self) -> tuple[type[CybernormsError], tuple[str | None, int | None, str, str | None, int | None]]:
        """Pickled with its parts, so that an error raised in a forked worker reaches the process
        that waits for it as it is (the default pickling gives the message alone to __init__)."""
        return (type(self), (self.where, self.line, self.problem, self.hint, self.column))

    @property
    def message(self) -> str:
        place = self.where or "cybernorms"
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        text = f"{place}: {self.problem}"
        if self.hint:
            text += f"; {self.hint}"
        return " ".join(text.split())  # always one line


class InputError(CybernormsError):
    """Malformed or inconsistent input data (syntax, shapes, checks, consistency, sources)."""


class UsageError(CybernormsError):
    """A bad command-line argument or query parameter."""


class ServiceError(CybernormsError):
    """A server or endpoint problem (port in use, endpoint unreachable)."""
