"""Typed exceptions. Every error newsextract raises on purpose is an ``ExtractionError``.

Messages never contain an API key: they name the endpoint by its base URL only.
"""

from __future__ import annotations

from typing import Any

from newsextract.core.schemas import Usage


class NewsextractError(Exception):
    """Base class of every error raised by newsextract on purpose.

    Errors pickle with their class, message and attributes (``attempts``, ``usage``, ``status_code``,
    ...), so a batch's worker processes can hand them back intact; ``__cause__`` does not travel.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt without calling __init__, so subclasses with other signatures pickle too.
        return (_rebuild_error, (type(self), self.args, dict(self.__dict__)))


def _rebuild_error(
    cls: type[NewsextractError], args: tuple[Any, ...], state: dict[str, Any]
) -> NewsextractError:
    err = cls.__new__(cls)
    err.args = args
    err.__dict__.update(state)
    return err


class ConfigError(NewsextractError):
    """The configuration cannot work (unknown backend, missing model file, bad option)."""


class InputError(NewsextractError):
    """The input itself cannot be extracted: empty, binary, not UTF-8, too large."""


class ExtractionError(NewsextractError):
    """Extracting one article failed after every allowed attempt.

    Attributes:
        attempts: model requests made (re-asks and transport retries that reached the server included)
        last_output: the last raw text the model returned, if any
        usage: tokens spent on the failed attempts
        valid_outputs: earlier replies that had the schema's shape but failed other checks (grounding),
            as JSON, oldest first; a strategy may keep the best of them (see ``strategies.whole_article``)
    """

    def __init__(
        self,
        message: str,
        *,
        attempts: int = 0,
        last_output: str | None = None,
        usage: Usage | None = None,
        endpoint: str | None = None,
        valid_outputs: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_output = last_output
        self.usage = usage or Usage()
        self.endpoint = endpoint
        self.valid_outputs = list(valid_outputs or [])

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": type(self).__name__,
            "message": str(self),
            "attempts": self.attempts,
            "last_output": self.last_output,
            "usage": self.usage.model_dump(),
        }


class TransportError(ExtractionError):
    """The endpoint could not be reached or kept failing (connection, timeout, 429, 5xx) after retries.

    A transport failure is never fed back to the model as a validation error.
    """

    def __init__(self, message: str, *, status_code: int | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.status_code = status_code


class ValidationExhaustedError(ExtractionError):
    """The model kept answering output that does not parse or validate, through every re-ask."""


class OutputTruncatedError(ExtractionError):
    """The model stopped at its token limit (finish_reason=length) before finishing the output."""


class BudgetExceededError(NewsextractError):
    """A batch's token budget was reached; the batch stopped cleanly before this article."""
