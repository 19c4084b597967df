"""Group the mentions of one actor inside one article."""

from collections.abc import Sequence
from typing import Protocol

from .names import acronym_match
from .normalise import is_acronym, normalise_surface
from .types import ActorGroup


class _Mention(Protocol):
    text: str
    kind: str
    start: int


def group_mentions(mentions: Sequence[_Mention]) -> tuple[list[ActorGroup], list[int]]:
    """Groups in order of first mention, and each mention's group index.

    Same normalised surface and kind → one group ("la France", "France");
    a person's surname alone joins the full name it ends ("Dupuis" →
    "Jean Dupuis"); an acronym joins an expansion of the same kind whose
    initials it spells ("ONU" → "Organisation des Nations unies"); an event
    named by the start of one longer event name joins it ("Jeux olympiques" →
    "Jeux olympiques de Tokyo 2020").
    """
    keys = [(normalise_surface(m.text), m.kind) for m in mentions]
    first_seen: dict[tuple[str, str], int] = {}
    counts: dict[tuple[str, str], int] = {}
    for i, key in enumerate(keys):
        first_seen.setdefault(key, i)
        counts[key] = counts.get(key, 0) + 1

    parent = {key: key for key in first_seen}
    for key in first_seen:
        target = (
            _surname_owner(key, first_seen, counts, mentions)
            or _acronym_owner(key, first_seen, mentions)
            or _event_owner(key, first_seen)
        )
        if target is not None:
            parent[key] = target

    def root(key: tuple[str, str]) -> tuple[str, str]:
        while parent[key] != key:
            key = parent[key]
        return key

    order: list[tuple[str, str]] = []
    members: dict[tuple[str, str], list[int]] = {}
    for i, key in enumerate(keys):
        r = root(key)
        if r not in members:
            order.append(r)
            members[r] = []
        members[r].append(i)

    groups = []
    index_of = {}
    for n, r in enumerate(order):
        surfaces = tuple(dict.fromkeys(mentions[i].text for i in members[r]))
        # The fullest name, written without a determiner ("France", not "la France").
        name = max(surfaces, key=lambda s: (len(normalise_surface(s).split()), len(normalise_surface(s)), -len(s)))
        groups.append(ActorGroup(name=name, kind=r[1], surfaces=surfaces))
        index_of[r] = n
    return groups, [index_of[root(key)] for key in keys]


def _surname_owner(key, first_seen, counts, mentions) -> tuple[str, str] | None:
    surface, kind = key
    if kind != "person":
        return None
    words = surface.split()
    owners = [
        other
        for other in first_seen
        if other[1] == "person" and len(other[0].split()) > len(words) and other[0].split()[-len(words) :] == words
    ]
    if not owners:
        return None
    # Two people share the surname ("Anne Durand", "Paul Durand"): the
    # most mentioned one, then the one introduced last before the surname.
    here = mentions[first_seen[key]].start

    def rank(other):
        start = mentions[first_seen[other]].start
        return (counts[other], start < here, start if start < here else -start)

    return max(owners, key=rank)


def _acronym_owner(key, first_seen, mentions) -> tuple[str, str] | None:
    text = mentions[first_seen[key]].text
    if not is_acronym(text):
        return None
    for other in first_seen:
        if other != key and other[1] == key[1] and acronym_match(text, mentions[first_seen[other]].text):
            return other
    return None


def _event_owner(key, first_seen) -> tuple[str, str] | None:
    surface, kind = key
    if kind != "event":
        return None
    words = surface.split()
    owners = [
        other
        for other in first_seen
        if other[1] == "event" and len(other[0].split()) > len(words) and other[0].split()[: len(words)] == words
    ]
    # Two longer names ("… de Paris 2024", "… d'hiver") leave it ambiguous.
    return owners[0] if len(owners) == 1 else None
