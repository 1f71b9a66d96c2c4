"""Where mockvoice keeps things: one home folder for the user's state, the built-ins inside
the package.

Layered like the question sets themselves: code defaults, then environment variables
(``MOCKVOICE_HOME`` for all state; ``MOCKVOICE_RECORDINGS`` and ``MOCKVOICE_CACHE`` for
one folder each), then flags (``--recordings``).

- Built-in question sets and the filler list ship inside the package as
  ``mockvoice.prompts`` (the wheel maps the repository's top-level ``prompts/`` there)
  and are read with :mod:`importlib.resources`, so an installed wheel finds them anywhere.
- Run from a checkout (``pyproject.toml`` of mockvoice beside the package), recordings go to
  the checkout's top-level ``recordings/``; installed, to ``$MOCKVOICE_HOME/recordings``.

Standard library only: ``--help`` reads these to say which folders are in use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

HOME_ENV = "MOCKVOICE_HOME"
RECORDINGS_ENV = "MOCKVOICE_RECORDINGS"
CACHE_ENV = "MOCKVOICE_CACHE"

_PACKAGE_DIR = Path(__file__).resolve().parent


def checkout() -> Path | None:
    """The repository folder when mockvoice runs from a checkout, else None (a wheel)."""
    root = _PACKAGE_DIR.parent
    pyproject = root / "pyproject.toml"
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError:
        return None
    return root if 'name = "mockvoice"' in text and (root / "prompts").is_dir() else None


def home() -> Path:
    """All of the user's state: ``$MOCKVOICE_HOME``, else ``$XDG_DATA_HOME/mockvoice``
    (``~/.local/share/mockvoice``)."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "mockvoice"


@dataclass(frozen=True)
class Located:
    path: Path
    why: str  # which setting chose it, for --help and `mockvoice prompts`


def recordings(flag: str | None = None) -> Located:
    """--recordings, then $MOCKVOICE_RECORDINGS, then $MOCKVOICE_HOME/recordings when set,
    then the checkout's ``recordings/``, then the default home's ``recordings``."""
    if flag:
        return Located(Path(flag).expanduser(), "--recordings")
    if os.environ.get(RECORDINGS_ENV):
        return Located(Path(os.environ[RECORDINGS_ENV]).expanduser(), f"${RECORDINGS_ENV}")
    if os.environ.get(HOME_ENV):
        return Located(home() / "recordings", f"${HOME_ENV}/recordings")
    repo = checkout()
    if repo is not None:
        return Located(repo / "recordings", "the checkout's recordings/ folder")
    return Located(home() / "recordings", "the user data folder")


def cache() -> Path:
    """Caches (the built Whisper checkpoint, spoken questions): $MOCKVOICE_CACHE,
    $MOCKVOICE_HOME/cache, or $XDG_CACHE_HOME/mockvoice (~/.cache/mockvoice)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    if os.environ.get(HOME_ENV):
        return home() / "cache"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "mockvoice"


def user_prompts() -> Path:
    """The user's own question sets: ``$MOCKVOICE_HOME/prompts``; a set there overrides the
    built-in set of the same name."""
    return home() / "prompts"


def builtin_prompts() -> Traversable:
    """The built-in question sets and filler list, inside the installed package."""
    return resources.files("mockvoice.prompts")
