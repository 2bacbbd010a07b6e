"""Load and render the versioned prompt templates in ``prompts/``.

A template file is named ``<name>.v<N>.txt`` and holds ``--- system ---`` and ``--- user ---`` sections
filled with ``string.Template`` placeholders. The highest version wins unless one is pinned.
The templates ship inside the wheel as ``newsextract/_prompts``; in a source checkout the repository's
``prompts/`` folder is used. Files are read once per process.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template

from newsextract.errors import ConfigError

_NAME = re.compile(r"^(?P<name>[a-z_]+)\.v(?P<version>\d+)\.txt$")
_SECTION = re.compile(r"^--- (system|user) ---$", re.MULTILINE)


@dataclass(frozen=True)
class PromptTemplate:
    """One versioned template. ``version`` (e.g. ``"whole_article.v1+3f2a9c1d"``) names it in ``meta``."""

    name: str
    number: int
    system: str
    user: str
    sha256: str

    @property
    def version(self) -> str:
        return f"{self.name}.v{self.number}+{self.sha256[:8]}"

    def render(self, **values: str) -> tuple[str, str]:
        """Return (system, user) with placeholders filled; an unknown placeholder raises KeyError."""
        return Template(self.system).substitute(values), Template(self.user).substitute(values)


def prompts_dir() -> Path:
    """Where the templates are: inside the installed package, else the source checkout's ``prompts/``."""
    packaged = resources.files("newsextract") / "_prompts"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "prompts"
    if checkout.is_dir():
        return checkout
    raise ConfigError("prompt templates not found: neither newsextract/_prompts nor ./prompts exists")


def parse_template(name: str, number: int, raw: str) -> PromptTemplate:
    """Split a template file's text into its sections (comment lines before the first are ignored)."""
    parts = _SECTION.split(raw)
    sections: dict[str, str] = {}
    for i in range(1, len(parts) - 1, 2):
        sections[parts[i]] = parts[i + 1].strip("\n")
    if "system" not in sections or "user" not in sections:
        raise ConfigError(f"prompt {name}.v{number} needs '--- system ---' and '--- user ---' sections")
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    return PromptTemplate(name, number, sections["system"], sections["user"], digest)


@functools.cache
def load_prompt(name: str, version: int | None = None) -> PromptTemplate:
    """The template ``name`` at ``version`` (default: the highest present)."""
    found: dict[int, Path] = {}
    for path in prompts_dir().iterdir():
        m = _NAME.match(path.name)
        if m and m["name"] == name:
            found[int(m["version"])] = path
    if not found:
        raise ConfigError(f"no prompt template named {name!r} in {prompts_dir()}")
    number = version if version is not None else max(found)
    if number not in found:
        raise ConfigError(f"prompt {name!r} has no version {number} (have {sorted(found)})")
    return parse_template(name, number, found[number].read_text(encoding="utf-8"))
