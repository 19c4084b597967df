"""Checks on a ZIP archive (an import's archive, a Word document) before anything in it is unpacked.

The declared sizes can be trusted as upper bounds: zipfile stops reading an
entry at its declared size. Deflate is the only compression accepted besides
none: bzip2 and lzma decompress without an output bound in zipfile, so one
small chunk could expand enormously.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

from pressreview.files.limits import FileRefused, size_text

# Below this the compression ratio is not checked: unpacking a few MB costs
# nothing whatever the ratio, and a folder of short text files (or a big empty
# table in a Word document) compresses very well.
RATIO_FROM_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class ArchiveRules:
    max_entries: int
    max_unpacked_bytes: int
    max_ratio: int = 100
    # How messages name the archive, and what it is compared to.
    subject: str = "This archive"
    refused: str = "This archive was refused"
    normal: str = "documents are"


def unsafe_name(name: str) -> bool:
    """A member name that would point outside the folder it is unpacked in:
    absolute, with a drive letter, with a ".." part, or with a NUL byte."""
    path = name.replace("\\", "/")
    return path.startswith("/") or bool(re.match(r"[A-Za-z]:", path)) or ".." in path.split("/") or "\x00" in path


def check_archive(entries: list[zipfile.ZipInfo], rules: ArchiveRules) -> None:
    """FileRefused if the archive could exhaust memory or names a path outside itself."""
    files = [info for info in entries if not info.is_dir()]
    if len(files) > rules.max_entries:
        raise FileRefused(f"{rules.subject} holds {len(files):,} files; the limit is {rules.max_entries:,}")
    for info in entries:
        if unsafe_name(info.filename):
            raise FileRefused(
                f"{rules.refused}: the name {info.filename!r} points outside the archive (an absolute path or '..')"
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise FileRefused(
                f"{rules.refused}: {info.filename!r} uses a compression method other than deflate. "
                "Create the archive again with a standard ZIP tool"
            )
    unpacked = sum(info.file_size for info in files)
    packed = sum(info.compress_size for info in files)
    if unpacked > rules.max_unpacked_bytes:
        raise FileRefused(
            f"{rules.refused}: it would unpack to {size_text(unpacked)} "
            f"(the limit is {size_text(rules.max_unpacked_bytes)})"
        )
    if unpacked > RATIO_FROM_BYTES and unpacked > rules.max_ratio * max(packed, 1):
        raise FileRefused(
            f"{rules.refused}: it is compressed far more than {rules.normal} ({unpacked // max(packed, 1):,} to 1; "
            f"the limit is {rules.max_ratio} to 1)"
        )
