"""qbank: author, validate, lint and export multiple-choice question banks."""

__version__ = "0.1.0"
