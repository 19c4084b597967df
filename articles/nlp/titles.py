"""Titles written before a person's name, read from plain text: the words that make one, and whether an
editor's person mention holds its title or left it outside, which the desk's convention for titles is learned
from. No language model: web processes read editors' mentions with it."""

from .lexicon import every

FUNCTION_WORDS = (
    every("articles") | every("prepositions") | every("pronouns") | every("conjunctions") | every("indefinites")
)
# Roles written before a name ("le ministre belge Jean Dupuis"), and
# courtesy titles. A span that starts with one and is not a person is a role,
# not an actor ("Le ministre belge"). A style is part of the name ("Prince Harry").
TITLES = (every("titles") | every("plural_titles") | every("title_modifiers") | every("courtesy")) - every("styles")
COURTESY = every("courtesy")


def title_kept(text: str) -> bool:
    """An editor's person mention that starts with a title before a name, as _with_title writes it: "président
    Dupuis", "ministre belge Jean Dupuis" (not a role with its complement, "président de la Région")."""
    words = text.split()
    i = 0
    while i < len(words) and words[i].lower() in TITLES:
        i += 1
    if i == 0:
        return False
    while i < len(words) and words[i].islower() and words[i] not in FUNCTION_WORDS:
        i += 1
    return i < len(words) and words[i][:1].isupper()


def title_cut(before: str, text: str) -> bool:
    """An editor's person mention written right after a title and a space, left outside it
    ("le président | Dupuis"): ``before`` is the text that precedes the mention."""
    if not before.endswith(" ") or before.endswith("  ") or not text[:1].isupper():
        return False
    words = before.split()
    return bool(words) and words[-1].lower() in TITLES and not apposition(words[-2] if len(words) > 1 else "",
                                                                        words[-1].lower())


def apposition(before: str, title: str) -> bool:
    # "Jeanne Martin, députée Paul Durand": a role right after a comma describes the name before it. A courtesy
    # title opens the name after it ("Hier, M. Durand").
    return before.endswith(",") and title not in COURTESY
