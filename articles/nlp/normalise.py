"""Offset-preserving text normalisation.

Every offset the pipeline returns indexes the text as stored, so
``normalise_text`` never changes the length of its input: each fold replaces
one character by one character.
"""

import re
import unicodedata
from functools import lru_cache

# Typographic variants that make spaCy split "qu’" into junk entities or miss
# an alias that an editor typed with a plain apostrophe.
_FOLDS = {
    "\u2019": "'",  # right single quotation mark
    "\u2018": "'",  # left single quotation mark
    "\u02bc": "'",  # modifier letter apostrophe
    "\u201b": "'",  # single high-reversed-9 quotation mark
    "\u2032": "'",  # prime, often typed for an apostrophe
    "\uff07": "'",  # fullwidth apostrophe
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\uff02": '"',
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2212": "-",  # minus sign, used as a hyphen in pasted text
    "\u2028": "\n",  # line separator
    "\u2029": "\n",  # paragraph separator
    "\u0085": "\n",  # next line
}
# Every Unicode space separator becomes a plain space: the tokenizer treats
# U+00A0 and U+202F (French thin space before « : ; ») as part of a word.
for _code in (0x00A0, 0x1680, 0x202F, 0x205F, 0x3000, *range(0x2000, 0x200B)):
    _FOLDS[chr(_code)] = " "
_TABLE = str.maketrans(_FOLDS)


def normalise_text(text: str) -> str:
    """Fold typographic variants; the result has exactly ``len(text)`` characters."""
    folded = text.translate(_TABLE)
    if unicodedata.is_normalized("NFC", folded):
        return folded
    return _nfc_same_length(folded)


def _nfc_same_length(text: str) -> str:
    # NFC composes "e" + U+0301 into one character, which would shift every
    # later offset: such sequences stay decomposed, and NFC applies only where
    # it maps one character to one (singletons such as U+212B ANGSTROM SIGN).
    out = []
    for ch in text:
        nfc = unicodedata.normalize("NFC", ch)
        out.append(nfc if len(nfc) == 1 else ch)
    return "".join(out)


_LEADING_DETERMINER = re.compile(r"^(?:(?:le|la|les|the)\s+|l')", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = "\"'«»()[]{},;:.!?-–—…*"


# Pure, and asked again and again for the same few surfaces (filters, grouping,
# the registry): cached.
@lru_cache(maxsize=1 << 16)
def normalise_surface(surface: str) -> str:
    """The form used to compare surfaces and aliases: "La  France" → "france"."""
    s = unicodedata.normalize("NFC", surface).translate(_TABLE).casefold()
    s = _SPACES.sub(" ", s).strip(" " + _EDGE_PUNCT)
    stripped = _LEADING_DETERMINER.sub("", s, count=1)
    # "Les" alone or "l'" alone must not become empty.
    return stripped.strip() or s


def is_acronym(text: str) -> bool:
    """Two to six capital letters, dots aside: "BBC", "U.N.", "UEFA"."""
    letters = text.replace(".", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


# Letters that are not a base letter plus accents, so NFKD leaves them alone;
# PostgreSQL's unaccent folds them the same way.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d",
                            "ł": "l", "Ł": "l"})


def fold_text(text: str) -> str:
    """Text as a search compares it: lower case, without accents ("Sénégal" → "senegal").

    Offsets do not survive it (NFKD, "œ" → "oe"): for matching only.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_TABLE).translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def fold_search_word(word: str) -> str:
    """One word of a search, folded, with a French or English plural ending taken off
    ("réfugiés" → "refugie"): a search by substring then finds the singular and the plural."""
    folded = fold_text(word)
    if len(folded) > 3 and folded[-1] in "sx" and folded[-2] != "s":
        return folded[:-1]
    return folded
