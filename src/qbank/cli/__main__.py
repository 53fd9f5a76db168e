"""`python -m qbank.cli`: the `qbank` command."""

from . import entry

entry()
