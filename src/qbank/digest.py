"""BLAKE2b, the hash behind the lint cache (content keys, summary digests, its tag) and the
bank rules' summaries. (Export identifiers use SHA-256 and must never change.)"""

try:  # the same C code as hashlib.blake2b, without hashlib loading OpenSSL (~2 ms a run)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

__all__ = ["blake2b", "content_key"]


def content_key(path: str, raw: bytes) -> str:
    """What a file's checked facts are filed under: its path and its bytes."""
    return blake2b(path.encode() + b"\0" + raw, digest_size=16).hexdigest()
