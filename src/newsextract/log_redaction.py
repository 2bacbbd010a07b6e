"""Keeps credentials (of ``base_url`` and ``cache_url``) out of log lines and newsextract's messages.

httpx logs every request's full URL at INFO and openai logs URLs and errors at DEBUG, so a key written
into ``base_url`` (``https://user:KEY@host/v1``, ``?api-key=KEY``) would reach any application that
turns logging on. ``install()`` puts one filter on those loggers (and newsextract's own): each record's
message, and its formatted traceback, has URL credentials masked (``config.mask_url_secrets``) and every
registered secret (the API key, the credentials of each configured URL) replaced by ``***``. The cost is
paid only for records a logger actually emits. The openai backend and the shared cache tier register
their secrets here and pass their own messages (errors, warnings) through ``scrub``.
"""

from __future__ import annotations

import logging
import threading

from newsextract.config import mask_url_secrets

#: Loggers that print URLs or exception texts of requests (to the model endpoint or the shared cache). A
#: logger's filters see only its own records, so children are named one by one.
LOGGERS = (
    "httpx2",
    "httpx",
    "openai",
    "openai._base_client",
    "openai._response",
    "instructor",
    "instructor.v2",
    "instructor.v2.retry",
    "newsextract",
    "newsextract.openai",
    "newsextract.transport",
    "newsextract.cache",
    "newsextract.io",
    # the shared cache tier's S3 stack logs bucket names, object paths and request URLs at DEBUG
    "s3fs",
    "fsspec",
    "botocore.endpoint",
    "botocore.auth",
    "botocore.regions",
    "aiobotocore.endpoint",
    "aiobotocore.regions",
)

_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False
#: Secrets shorter than this are not replaced literally (it would mangle ordinary words).
_MIN_SECRET = 6


def register_secret(value: str | None) -> None:
    """Mask ``value`` wherever it appears in a log line or a newsextract error message from now on."""
    if value and len(value) >= _MIN_SECRET:
        with _lock:
            _secrets.add(value)


def scrub(text: str) -> str:
    """``text`` with URL credentials and every registered secret replaced by ``***``."""
    text = mask_url_secrets(text)
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, "***")
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (and traceback text) through ``scrub``; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the handler's business, not ours
            return True
        clean = scrub(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


_FILTER = RedactingFilter()


def install() -> None:
    """Put the filter on every logger in ``LOGGERS`` (once per process)."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    for name in LOGGERS:
        logging.getLogger(name).addFilter(_FILTER)
