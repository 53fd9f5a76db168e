"""Item analysis: classical test statistics from candidates' responses (core.py), the
statistics store in the bank (store.py), and readers of LMS result exports (readers/)."""
