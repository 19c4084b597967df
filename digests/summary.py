"""The lead sentences of an article, proposed as its summary in a digest.

Plain Python: a sentence ends at . ! ? … (possibly followed by a closing quote
or bracket) when the next word starts with a capital, a digit or an opening
quote, unless the word before the stop is a known abbreviation or an initial
("M.", "Mr.", "St.", "J. Smith").
"""

import re
import unicodedata

ABBREVIATIONS = {
    # French
    "m", "mm", "mme", "mmes", "mlle", "mlles", "dr", "pr", "me", "mgr", "st", "ste", "av", "bd", "cf", "etc",
    "ex", "env", "hab", "no", "nos", "p", "pp", "vol", "janv", "févr", "fév", "avr", "juil", "sept", "oct", "nov",
    "déc", "art", "éd", "gén", "lt", "col", "cdt", "cne", "sgt",
    # English
    "mr", "mrs", "ms", "messrs", "prof", "sr", "jr", "gen", "gov", "sen", "rep", "rev", "hon", "capt", "cmdr",
    "maj", "inc", "ltd", "co", "corp", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "dec", "fig", "approx", "dept", "mt", "ft", "u.s", "u.k", "e.g", "i.e",
}

# A stop, then any closing marks, then space, then what may start a sentence.
_BOUNDARY = re.compile(r"""([.!?…]+)(["'”’»)\]]*)(\s+)(?=["'“‘«(\[]?\s?[A-ZÀ-ÖØ-Þ0-9])""")
_WORD_BEFORE = re.compile(r"([\w.'’-]+)$")


def _is_abbreviation(text_before: str) -> bool:
    match = _WORD_BEFORE.search(text_before)
    if not match:
        return False
    word = match.group(1).lower().strip("'’")
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "J. Smith"
    return word in ABBREVIATIONS or word.rstrip(".") in ABBREVIATIONS


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences; line breaks always end one."""
    found = []
    for paragraph in re.split(r"\n\s*", text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        start = 0
        for match in _BOUNDARY.finditer(paragraph):
            stop = match.group(1)
            if stop == "." and _is_abbreviation(paragraph[start:match.start(1)]):
                continue
            end = match.end(2)
            found.append(paragraph[start:end].strip())
            start = match.end(3)
        rest = paragraph[start:].strip()
        if rest:
            found.append(rest)
    return [sentence for sentence in found if sentence]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().split())


def _strip_title(body: str, title: str) -> str:
    """The body without its first line when that line repeats the title."""
    first, _, rest = body.lstrip().partition("\n")
    if title and first.strip() and _fold(first.strip().rstrip(".")) == _fold(title.strip().rstrip(".")):
        return rest
    return body


def _cut(text: str, budget: int) -> str:
    """``text`` cut to at most ``budget`` characters, at a word boundary, with an ellipsis."""
    if len(text) <= budget:
        return text
    room = text[: max(budget - 1, 1)]
    space = room.rfind(" ")
    if space > 0:
        room = room[:space]
    return room.rstrip(" ,;:–-") + "…"


def lead_sentences(body: str, *, title: str = "", max_sentences: int = 3, budget: int = 420) -> str:
    """The first sentences of an article (two or three), at most ``budget`` characters.

    Whole sentences are added while they fit; the first one alone is cut at a
    word boundary if it is longer than the budget. Never cuts mid-word.
    """
    chosen: list[str] = []
    length = 0
    for sentence in sentences(_strip_title(body or "", title)):
        extra = len(sentence) + (1 if chosen else 0)
        if chosen and length + extra > budget:
            break
        chosen.append(sentence)
        length += extra
        if len(chosen) >= max_sentences:
            break
    return _cut(" ".join(chosen), budget)
