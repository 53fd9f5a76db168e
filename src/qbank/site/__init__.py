"""`qbank site`: a static review site of the bank (index, item pages, dashboard, practice,
rule pages). :func:`qbank.api.site` runs it; :mod:`qbank.site.build` writes it."""

from .build import SiteResult, build

__all__ = ["SiteResult", "build"]
