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


class OptionTypeError(ConfigError, TypeError):
    """A setting of the wrong type (``max_retries="2"``): a ``TypeError`` and a ``ConfigError``."""


class InputError(NewsextractError):
    """The input itself cannot be extracted: empty, binary, not UTF-8, too large."""


class ContextOverflowError(InputError):
    """The prompt for this text is longer than the model's context window. The whole-article strategy
    answers it by asking about smaller pieces of the text; it reaches the caller only for a piece too
    short to cut further."""


class InputTypeError(InputError, TypeError):
    """An article or date of the wrong type (``extract(42)``, ``published=3.5``).

    A ``TypeError`` for callers of ``extract``; also an ``InputError``, so that in a batch it is that
    one input's outcome and the others go on.
    """


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


class OutputError(NewsextractError):
    """Results could not be written to the output file (disk full, permissions, a vanished drive).

    The batch stops starting articles; ``result`` holds the ``BatchResult`` of what was done (in memory,
    including the outcome whose line could not be written). The file keeps every complete line written
    before the failure, so ``resume`` picks up from there once the cause is fixed.
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.result: Any = None


class BudgetExceededError(NewsextractError):
    """A batch's token budget was reached; the batch stopped cleanly before this article."""
