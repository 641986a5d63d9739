"""The data directory: sessions, results, settings. Kept apart so light commands import nothing heavy."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """The data directory. `PLATEAU_HOME` overrides the platform default (AppData, Library, ~/.local/share)."""
    env = os.environ.get("PLATEAU_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path
    return user_data_path("plateau", appauthor=False)
