"""Sizes as people read them, and the one way to say a file is too large."""

from __future__ import annotations

from django.utils.translation import gettext_noop


class FileRefused(ValueError):
    """A file that cannot be read as asked; the message is for the person who sent it."""


# Marked for translation here, translated where they are shown (a form calls
# gettext on them); plain English elsewhere, as the other file errors are.
TOO_LARGE = gettext_noop("The file is too large (%(size)s; the limit is %(limit)s)")
TOO_LARGE_FOR_IMPORT = gettext_noop(
    "The file is too large (%(size)s; the limit for an import is %(limit)s). Split it into several files."
)


def size_text(n: int) -> str:
    """A byte count as people read it: 12 bytes, 3.5 KB, 20 MB."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if n >= 1024:
        return f"{n / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{n} bytes"


def too_large(size: int, limit: int, *, for_import: bool = False, translate=str) -> str:
    """The message for a file of ``size`` bytes over ``limit``; ``translate`` is gettext where one is active."""
    template = TOO_LARGE_FOR_IMPORT if for_import else TOO_LARGE
    return translate(template) % {"size": size_text(size), "limit": size_text(limit)}


def check_size(size: int, limit: int, *, for_import: bool = False) -> None:
    """FileRefused when ``size`` is over ``limit``: checked before a byte is parsed."""
    if size > limit:
        raise FileRefused(too_large(size, limit, for_import=for_import))
