"""The shared second cache tier: JSON objects on object storage (S3, GCS, ...) or a shared folder, via fsspec.

Layout: one object per cache key, ``<cache_url>/<key[:2]>/<key>.json``, holding an envelope::

    {"newsextract_cache": 1, "key": "<the key>", "sha256": "<digest of the value>", "value": {...}}

Promises:

- **Content-addressed, idempotent writes.** The object's name is the cache key (a SHA-256 over
  everything that shapes the answer, see ``cache.keys``), so writing the same answer twice (an engine
  that runs a task at least once, two nodes racing) leaves one valid object. Each write is atomic: one
  PUT on object stores; a temporary file renamed into place on a folder.
- **Nothing read is trusted unchecked.** A read object must be JSON (never a pickle), at most
  ``MAX_OBJECT_BYTES``, carry the envelope above with the key it was asked for, and its value must match
  the recorded digest. A torn, foreign or tampered object is a miss with one warning (per object), and
  the caller still validates the value against its schemas. Paths are made only from keys that this
  library computed (64 hex digits), never from anything read.
- **Never an error.** A missing object is a quiet miss. Any other fault (unreachable endpoint, no
  credentials, permission denied) turns this tier off with one warning; the local tier and extraction
  go on, and the tier is tried again after ``retry_after_s`` (60 s), so a day-long job survives a
  network blip. Each retry that fails again costs one request and no new warning.

Credentials belong outside the URL: fsspec's backends read them from the usual places
(``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` / ``AWS_ENDPOINT_URL`` or an instance role for S3,
``GOOGLE_APPLICATION_CREDENTIALS`` for GCS). S3 needs the ``s3`` extra (s3fs), GCS ``gcsfs``. Should a
URL carry one anyway (``s3://KEY:SECRET@bucket``, ``?token=...``), or a storage option (``secret=``),
it never reaches a warning, a log line, ``meta.warnings`` or ``stats()``: every message passes through
``log_redaction.scrub`` (the same masking as ``base_url``'s), which also hides it where a backend's own
error text repeats it (s3fs reads ``KEY:SECRET@bucket`` as a bucket name and says so) and in the DEBUG
lines of s3fs and botocore. The user part (an access key ID) is masked with the secret.

Cost: a local miss costs one GET here (a 404 when nobody has the answer yet); a fresh answer one PUT.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
import uuid
import warnings
from typing import Any
from urllib.parse import urlsplit

from newsextract import log_redaction
from newsextract.cache.keys import canonical_json
from newsextract.cache.store import CacheWarning
from newsextract.config import redact_url, secret_header, url_secrets

log = logging.getLogger("newsextract.cache")
log_redaction.install()  # a backend's error text may repeat the URL's credentials

ENVELOPE_VERSION = 1
#: Objects larger than this are not read (a cache entry is a few kilobytes; a bigger one is foreign).
MAX_OBJECT_BYTES = 16 * 1024 * 1024
_KEY = re.compile(r"[0-9a-f]{64}")


def value_digest(value: dict[str, Any]) -> str:
    """SHA-256 of the value's canonical JSON: what the envelope records and a read re-computes."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def encode_entry(key: str, value: dict[str, Any]) -> bytes:
    """The bytes stored for ``key``: the envelope around ``value``."""
    envelope = {
        "newsextract_cache": ENVELOPE_VERSION,
        "key": key,
        "sha256": value_digest(value),
        "value": value,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_entry(key: str, data: bytes) -> dict[str, Any] | None:
    """The value stored in ``data`` for ``key``, or None when ``data`` is not a valid entry for it."""
    if len(data) > MAX_OBJECT_BYTES:
        return None
    try:
        envelope = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(envelope, dict) or envelope.get("newsextract_cache") != ENVELOPE_VERSION:
        return None
    value = envelope.get("value")
    if envelope.get("key") != key or not isinstance(value, dict):
        return None
    if envelope.get("sha256") != value_digest(value):
        return None
    return value


class RemoteStore:
    """Key -> JSON object on any fsspec filesystem (``s3://bucket/prefix``, ``gs://...``, a folder).

    ``storage_options`` go to fsspec as they are (e.g. ``{"anon": True}``); keep credentials in the
    environment rather than here, so they never travel with the settings. Credentials in ``url`` or in
    an option whose name says so (``key``, ``secret``, ``token`` ...) are masked in every message.
    """

    def __init__(self, url: str, *, retry_after_s: float = 60.0, **storage_options: Any) -> None:
        self.url = url.rstrip("/")
        option_secrets = [v for k, v in storage_options.items() if isinstance(v, str) and secret_header(k)]
        # the user of an object-store URL is an access key ID: masked with its secret
        user = urlsplit(self.url).username if "://" in self.url else None
        for secret in [*url_secrets(self.url), user, *option_secrets]:
            log_redaction.register_secret(secret)
        self.shown = log_redaction.scrub(redact_url(self.url) if "://" in self.url else self.url)
        self._options = storage_options
        self._fs: Any = None
        self._root = ""
        self._local = False
        self._disabled_reason: str | None = None
        self._retry_after_s = retry_after_s
        self._retry_at = 0.0
        self._warned_off = False
        self._warned: set[str] = set()
        self._lock = threading.Lock()

    @property
    def disabled_reason(self) -> str | None:
        """Why this tier turned itself off, or None while it works."""
        return self._disabled_reason

    def _open(self) -> Any:
        if self._disabled_reason is not None:
            if time.monotonic() < self._retry_at:
                return None
            self._disabled_reason = None  # time to try again
            self._fs = None
        if self._fs is None:
            with self._lock:
                if self._fs is None:
                    try:
                        from fsspec.core import url_to_fs
                        from fsspec.implementations.local import LocalFileSystem

                        # a filesystem of our own: fsspec's shared instances would keep an endpoint or
                        # credentials read before the environment changed
                        fs, root = url_to_fs(self.url, skip_instance_cache=True, **self._options)
                        self._local = isinstance(fs, LocalFileSystem)
                        self._root = str(root).rstrip("/")
                        self._fs = fs
                    except Exception as exc:  # missing backend package, malformed URL, bad options
                        self._disable(f"cannot open shared cache {self.shown}: {type(exc).__name__}: {exc}")
                        return None
        return self._fs

    def _disable(self, reason: str) -> None:
        reason = log_redaction.scrub(reason)  # the exception's text may repeat the URL's credentials
        self._disabled_reason = reason
        self._retry_at = time.monotonic() + self._retry_after_s
        if not self._warned_off:
            self._warned_off = True
            warnings.warn(f"newsextract shared cache off: {reason}", CacheWarning, stacklevel=4)
            log.warning("shared cache off: %s", reason)

    def path(self, key: str) -> str:
        """Where ``key``'s object lives (below the root). ``key`` must be a cache key: 64 hex digits."""
        if not _KEY.fullmatch(key):
            raise ValueError("a cache key is 64 lowercase hex digits")
        return f"{self._root}/{key[:2]}/{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored value, or None (missing, invalid, or this tier off)."""
        fs = self._open()
        if fs is None:
            return None
        path = self.path(key)
        try:
            data = fs.cat_file(path, start=0, end=MAX_OBJECT_BYTES + 1)
        except FileNotFoundError:
            return None
        except Exception as exc:
            self._disable(f"cannot read shared cache {self.shown}: {type(exc).__name__}: {exc}")
            return None
        value = decode_entry(key, bytes(data))
        if value is None:
            self._warn_invalid(key)
        return value

    def _warn_invalid(self, key: str) -> None:
        with self._lock:
            if key in self._warned:
                return
            self._warned.add(key)
        message = (
            f"newsextract shared cache: the object for key {key[:12]}... in {self.shown} is not a valid "
            "entry (torn, foreign or altered); ignored, the article is extracted again"
        )
        warnings.warn(message, CacheWarning, stacklevel=3)
        log.warning(message)

    def set(self, key: str, value: dict[str, Any]) -> bool:
        """Store ``value`` under ``key`` (atomic, idempotent). False when this tier is off or failed."""
        fs = self._open()
        if fs is None:
            return False
        path = self.path(key)
        data = encode_entry(key, value)
        try:
            if self._local:  # a folder: write aside, then rename into place (atomic on POSIX)
                parent = path.rsplit("/", 1)[0]
                fs.makedirs(parent, exist_ok=True)
                tmp = f"{parent}/.{key}.{uuid.uuid4().hex}.tmp"
                fs.pipe_file(tmp, data)
                fs.mv(tmp, path)
            else:  # object stores: one PUT is atomic, readers see the old object or the new one
                fs.pipe_file(path, data)
        except Exception as exc:
            self._disable(f"cannot write shared cache {self.shown}: {type(exc).__name__}: {exc}")
            return False
        return True
