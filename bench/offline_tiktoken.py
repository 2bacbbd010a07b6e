"""tiktoken's ``o200k_base`` (the GPT-4o family's tokenizer) without a download.

tiktoken fetches an encoding's rank file over the network on first use and keeps it in a cache
directory (``TIKTOKEN_CACHE_DIR``). This machine reaches no such host, so the file comes from a
registry package instead: ``bpe-openai`` ships ``o200k_base.tiktoken`` (gzipped). It is written into a
private cache directory under the name tiktoken looks for, and tiktoken itself then loads it and checks
its SHA-256 against the hash in tiktoken's own source, so the counts are tiktoken's, from the genuine file.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.util
import os
import tempfile
from pathlib import Path

import tiktoken

#: Where tiktoken's source says the file lives; only its SHA-1 (the cache file's name) is used here.
_O200K_SOURCE = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"


@functools.cache
def o200k() -> tiktoken.Encoding:
    """The ``o200k_base`` encoding, loaded from ``bpe-openai``'s copy of the rank file."""
    spec = importlib.util.find_spec("bpe_openai")  # located, not imported: only its data file is used
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("bpe-openai is not installed (a dev dependency: make setup)")
    shipped = Path(spec.submodule_search_locations[0]) / "data" / "o200k_base.tiktoken.gz"
    cache = Path(tempfile.mkdtemp(prefix="newsextract-tiktoken-"))
    (cache / hashlib.sha1(_O200K_SOURCE.encode()).hexdigest()).write_bytes(
        gzip.decompress(shipped.read_bytes())
    )
    previous = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    try:
        return tiktoken.get_encoding("o200k_base")
    finally:
        if previous is None:
            os.environ.pop("TIKTOKEN_CACHE_DIR", None)
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = previous


def count(text: str) -> int:
    """Tokens of ``text`` in ``o200k_base`` (special-token strings count as plain text)."""
    return len(o200k().encode(text, disallowed_special=()))
