"""`qbank site`: a static review site of the bank (index, item pages, dashboard, practice,
rule pages). :func:`qbank.api.build_site` runs lint and loads the bank; :func:`make_site`
(in :mod:`qbank.site.build`) writes the site."""

from .build import SiteResult, make_site

__all__ = ["SiteResult", "make_site"]
