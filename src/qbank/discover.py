"""Find the question files under the paths given on the command line."""

from __future__ import annotations

import os
from pathlib import Path

YAML_SUFFIXES = (".yaml", ".yml")
# Folders that never hold questions; skipping them keeps walks fast in real repos.
SKIP_DIRS = {".git", ".hg", ".svn", ".qbank_cache", "node_modules", "__pycache__", ".venv", "venv"}


class DiscoveryError(Exception):
    """A path named on the command line does not exist or cannot be read (exit 2)."""


def discover(paths: list[Path]) -> list[Path]:
    """Question files under ``paths``, sorted, each once (see :func:`discover_paths`)."""
    return [Path(p) for p in discover_paths(paths)]


def discover_paths(paths: list[Path]) -> list[str]:
    """Question files under ``paths`` as strings (cheaper than Path objects at 100k files),
    sorted, each once.

    Explicitly named files are taken whatever their suffix; folders are walked for
    ``*.yaml``/``*.yml`` (hidden folders and files skipped). Symlinked folders are not
    followed, so a walk cannot loop or leave the tree. Nothing is dropped in silence: an
    entry the walk cannot classify or enter (a link loop, a dangling link, a link to a
    folder, a folder it may not read) is listed too, and reading it
    (:func:`qbank.fsutil.read_file`) reports why it holds no checked question.
    """
    found: set[str] = set()
    for root in map(Path, map(os.path.normpath, paths)):  # "./bank/" walks as "bank"
        if not root.exists() and not root.is_symlink():
            raise DiscoveryError(f"{root}: no such file or folder")
        if root.is_dir():
            if not os.access(root, os.R_OK | os.X_OK):
                raise DiscoveryError(f"{root}: folder cannot be read")
            prefix = "" if str(root) == "." else str(root) + os.sep  # "q.yaml", not "./q.yaml"
            _walk(str(root), prefix, found)
        else:
            found.add(str(root))
    return sorted(found, key=lambda p: p.replace(os.sep, "/")) if os.sep != "/" else sorted(found)


def nothing_to_check(paths: list[Path]) -> DiscoveryError:
    """The error for a run that found no question file to check (exit 2, never a pass)."""
    where = ", ".join(str(p) for p in paths) or "."
    return DiscoveryError(f"{where}: no question files to check (*.yaml or *.yml, outside hidden folders "
                          "and the config's `exclude`)")


def _walk(folder: str, prefix: str, found: set[str]) -> None:
    # os.scandir and plain loops: os.walk builds and sorts lists this walk does not need.
    try:
        with os.scandir(folder) as it:
            entries = [e for e in it if not e.name.startswith(".")]
    except OSError:  # unreadable (or vanished): listed, so the reader says which
        found.add(prefix.rstrip(os.sep) or folder)
        return
    folders = []
    for e in entries:
        name = e.name
        try:
            if e.is_dir(follow_symlinks=False):  # the type from the listing: no stat
                if name not in SKIP_DIRS:
                    folders.append(e)
            elif name.endswith(YAML_SUFFIXES) or (e.is_symlink() and e.is_dir()):
                found.add(prefix + name)  # a question, or a link the reader will refuse
        except OSError:  # a link loop, or an entry that vanished: the reader says which
            found.add(prefix + name)
    for e in folders:
        _walk(e.path, prefix + e.name + os.sep, found)
