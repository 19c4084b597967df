"""When two names can be one actor: acronyms, shortened names, people's names.

One set of rules for the grouping of mentions inside an article and for the
registry's suggested duplicates, so that both agree on what "AFP" spells.
Plain functions of strings, in French and English.
"""

import re
import unicodedata
from functools import lru_cache

from .lexicon import NAME_PARTICLES, every
from .normalise import is_acronym

# Words an acronym skips, in either language: "Organisation des Nations unies"
# is ONU, "Bank of England" is BoE.
SKIP_WORDS = every("stop_words")
_WORD_SPLIT = re.compile(r"[\s\-'’]+")
_EDGES = ".,;:()[]«»\"!?"


@lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """Lower case without accents: "États" → "etats"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Courtesy titles as a name's first word is compared with them: folded, without the dot ("M.", "Mme", "Dr").
_HONORIFICS = frozenset(fold(word).rstrip(".") for word in every("courtesy"))


@lru_cache(maxsize=1 << 14)
def significant_words(name: str) -> tuple[str, ...]:
    """The name's words as written, without articles, prepositions and conjunctions."""
    words = (w.strip(_EDGES) for w in _WORD_SPLIT.split(name))
    return tuple(w for w in words if w and fold(w) not in SKIP_WORDS)


def initials(name: str) -> str:
    """Upper-case first letters of the significant words; numbers ("2024") carry no letter."""
    return "".join(fold(w[0]).upper() for w in significant_words(name) if w[0].isalpha())


def acronym_match(acronym: str, name: str, *, institution: bool = False) -> str:
    """How ``acronym`` abbreviates ``name``: "initials" when it spells the
    initials of its significant words (AFP, Agence France-Presse), "head" when
    it spells them after one generic first word the name leaves out (ONU,
    Nations unies: Organisation des Nations unies), "" otherwise.

    "head" needs a word written in lower case in the name: French names of
    institutions capitalise their first word only, people's names every word,
    so "AFP" does not abbreviate a person called "Fabien Pelous". A caller that
    knows the name is an institution's (``institution``) needs no such word:
    "ONU" and "Nations Unies".
    """
    if not is_acronym(acronym) or is_acronym(name):
        return ""
    letters = fold(acronym.replace(".", "")).upper()
    spelled = initials(name)
    if len(spelled) < 2:
        return ""
    if spelled == letters:
        return "initials"
    words = significant_words(name)
    if len(letters) >= 3 and spelled == letters[1:] and (institution or any(w[0].islower() for w in words[1:])):
        return "head"
    return ""


def _folded_words(name: str) -> list[str]:
    return [fold(w) for w in significant_words(name)]


def names_alike(first: str, second: str, *, institution: bool = False) -> bool:
    """Two names that may be one actor's: a significant word of three letters or more
    in common ("la Commission", "Commission européenne"), or an acronym in one that
    ``acronym_match`` reads in the other ("l'UE", "Union européenne")."""
    def long_words(name):
        return {word for word in _folded_words(name) if len(word) >= 3}

    def abbreviates(short, long):
        return any(acronym_match(word, long, institution=institution)
                   for word in significant_words(short) if is_acronym(word))

    return bool(long_words(first) & long_words(second)) or abbreviates(first, second) or abbreviates(second, first)


def shortens(short: str, long: str) -> str:
    """How ``short`` is a shorter way to write ``long``, starting with the same
    word: "contains" when its significant words appear in ``long`` in the same
    order ("Coupe du monde 2026" in "Coupe du monde de football 2026"),
    "abbreviates" when some of them are acronyms of consecutive words there
    ("CM de football" for "Coupe du monde de football"); "" otherwise.
    A one-word name shortens too many others to say anything.
    """
    written = significant_words(short)
    words = _folded_words(long)
    if len(written) < 2:
        return ""
    position, abbreviated = 0, False
    for n, token in enumerate(written):
        letters = token.replace(".", "")
        if is_acronym(token) and len(letters) <= len(words) - position:
            run = "".join(w[0] for w in words[position:position + len(letters)]).upper()
            if run == fold(letters).upper():
                position, abbreviated = position + len(letters), True
                continue
        target = fold(token)
        found = words.index(target, position) if target in words[position:] else -1
        if found < 0 or (n == 0 and found != 0):
            return ""
        position = found + 1
    if not abbreviated and len(written) >= len(words):
        return ""
    return "abbreviates" if abbreviated else "contains"


def person_name(name: str) -> tuple[str, str]:
    """(first name, surname), folded: "M. Jean-Luc de Villiers" → ("jean-luc", "de villiers").
    A name of one word is taken as a surname with no first name."""
    words = [w.strip(_EDGES) for w in name.split()]
    words = [w for w in words if w]
    while len(words) > 1 and fold(words[0]).rstrip(".") in _HONORIFICS:
        words = words[1:]
    if not words:
        return "", ""
    start = len(words) - 1
    while start > 0 and fold(words[start - 1]) in NAME_PARTICLES:
        start -= 1
    surname = " ".join(fold(w) for w in words[start:])
    return (fold(words[0]) if start > 0 else ""), surname


def first_names_compatible(first: str, other: str) -> bool:
    """The same first name, an initial of the other ("j." and "jean"), or one of them unknown."""
    a, b = first.replace(".", ""), other.replace(".", "")  # "A.J." is "AJ"
    if not a or not b or a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return False


def same_person(name: str, other: str) -> bool:
    """Two written names of people that can be one person: the same surname and compatible first names."""
    first, surname = person_name(name)
    other_first, other_surname = person_name(other)
    return bool(surname) and surname == other_surname and first_names_compatible(first, other_first)
