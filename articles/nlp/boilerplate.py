"""Where the trailing site boilerplate of a pasted web page starts.

Pasted pages end with links, share buttons, newsletter calls, copyright lines
and author bios. Only the tail is examined, and a marker counts only when
everything after it also looks like boilerplate, so an inline "Lire aussi"
followed by more article text never cuts the article.
"""

import re

# Links to other pages: whatever follows on the line is a headline.
_LINK = re.compile(
    r"""^(?:
        en\ savoir\ plus | (?:à|a)\ lire\ (?:aussi|également|egalement|ensuite)
        | lire\ (?:aussi|également|egalement|la\ suite|plus) | voir\ aussi | sur\ le\ même\ sujet
        | dans\ la\ même\ rubrique | nos\ articles | articles?\ (?:liés|similaires|connexes)
        | read\ (?:more|also|next) | related(?:\ (?:articles?|stories|content|posts?|topics))?
        | more\ on\ this\ story | see\ also | you\ may\ also\ like
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)
# Buttons and calls to action: a line that is only the label.
_BUTTON = re.compile(
    r"""^(?:
        partager | partagez | suivez-nous | abonnez-vous | inscrivez-vous | newsletter | publicité
        | commentaires? | réagir | mots-clés | tags? | share(?:\ this)? | follow\ us | subscribe
        | sign\ up | advertisement | comments?
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)
# "Copyright law reform …" is a sentence: the word counts only with a sign or a year.
_RIGHTS = re.compile(
    r"^(?:©|\(c\)\s|copyright\s*(?:©|\(c\)|\d{4}))|tous droits réservés|all rights reserved", re.IGNORECASE
)
_QUOTED = re.compile(r'^\s*[«"“„‘\'].*[»"”’\']\s*$', re.DOTALL)

TAIL_LINES = 8
TAIL_SHARE = 0.4  # a marker in the first 60% of the text is part of the article
MAX_MARKER_LINE = 200
MAX_FURNITURE_LINE = 120
MAX_BUTTON_LINE = 40


def _is_marker(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > MAX_MARKER_LINE:
        return False
    if _LINK.match(s):
        return True
    if len(s) > MAX_FURNITURE_LINE:
        return False
    if _RIGHTS.search(s):
        return True
    # "Partager le pouvoir avec les régions." is a sentence, not a button.
    return bool(_BUTTON.match(s)) and len(s) <= MAX_BUTTON_LINE and not s.endswith(".")


def _is_furniture(line: str) -> bool:
    """What may follow a marker: more markers, link titles, an author bio."""
    s = line.strip()
    if not s or _is_marker(s):
        return True
    if _QUOTED.match(s):
        return True  # an author bio in quotation marks under "En savoir plus"
    # Link titles and button labels are short and do not end a sentence.
    return len(s) <= MAX_FURNITURE_LINE and not s.endswith((".", "!", "?", "»", '"'))


def find_content_end(text: str) -> int | None:
    """Character offset where trailing boilerplate starts, or None."""
    lines = text.splitlines(keepends=True)
    starts = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line)
    content = [i for i, line in enumerate(lines) if line.strip()]
    tail = content[-TAIL_LINES:]
    min_start = len(text) * (1 - TAIL_SHARE)
    for k, i in enumerate(tail):
        if starts[i] < min_start or not _is_marker(lines[i]):
            continue
        if all(_is_furniture(lines[j]) for j in tail[k + 1 :]):
            return _trim_back(text, starts[i])
    return None


def _trim_back(text: str, offset: int) -> int:
    # Content ends where the last article line ends, not after the blank
    # lines that preceded the marker.
    while offset > 0 and text[offset - 1].isspace():
        offset -= 1
    return offset
