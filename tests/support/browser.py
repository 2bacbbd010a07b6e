"""Headless Chromium for tests: screenshots and the DOM after scripts ran, of a local HTML file.

``make test`` installs Chromium with apt-get when it is missing (the ``browser`` target). Every run
gets its own throw-away profile directory, and the flags keep Chromium off the network (no component
updates, sync, QUIC or background requests): the pages are local files.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def chromium() -> str | None:
    """The Chromium executable on PATH, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(
    page: Path, *args: str, dark: bool = False, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    exe = chromium()
    if exe is None:
        raise RuntimeError("Chromium is not installed: run `make browser` (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="newsextract-chromium-") as profile:
        cmd = [exe, *FLAGS, f"--user-data-dir={profile}", *(["--force-dark-mode"] if dark else []), *args]
        return subprocess.run(
            [*cmd, page.resolve().as_uri()], capture_output=True, text=True, timeout=timeout, check=True
        )


def dump_dom(page: Path, *, dark: bool = False) -> str:
    """The page's DOM serialised after its scripts ran (``--dump-dom``)."""
    return _run(page, "--dump-dom", dark=dark).stdout


def screenshot(page: Path, png: Path, *, width: int = 1000, height: int = 3000, dark: bool = False) -> Path:
    """A PNG of the page's first ``width`` x ``height`` CSS pixels. ``dark`` sets the system colour
    scheme to dark (``prefers-color-scheme: dark``)."""
    _run(page, f"--screenshot={png}", f"--window-size={width},{height}", dark=dark)
    return png
