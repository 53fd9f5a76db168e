"""`qbank stats`: figures about the bank, and `qbank stats import` of item statistics."""

from __future__ import annotations

import click

from .stats_import import import_cmd

stats = click.Group("stats", help="Figures about the bank; `stats import` stores item statistics from results.")
stats.add_command(import_cmd)
