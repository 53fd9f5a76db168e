"""The `qbank` command line: the only package that imports click.

Each command turns options into a call of the click-free core (:mod:`qbank.api` and the
pipeline modules), and its results into output and an exit code: 0 clean, 1 problems found
(or files that would change), 2 usage error or an unreadable input path.

Commands live one module (or small group) each and are imported only when run, so
`qbank lint` does not pay for genanki, lxml and ruamel.yaml at start-up.
"""

from __future__ import annotations

import os
import sys

# Nothing here imports click: `entry` starts what a command can start before the command line
# is even parsed (the standby checker of `qbank lint`, qbank.standby) and only then imports the
# group (.group, click and all: ~25 ms).


def __getattr__(name: str):
    if name == "main":   # `from qbank.cli import main`: the click group
        from .group import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def entry() -> None:
    """The `qbank` console script: ``main``, then an exit that skips tearing down the heap
    (as mypy does). Freeing a warm run's 10,000 cached rows one object at a time costs
    ~20 ms and achieves nothing; output is flushed and every file write is already done.
    For `qbank lint` the standby checker is forked first, while click is imported."""
    if sys.argv[1:2] == ["lint"]:
        from ..standby import start_early

        start_early()
    from .group import main

    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`qbank lint | head`)
            pass
    os._exit(code)
