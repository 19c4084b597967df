"""Suggested duplicates in the actor registry: pairs of canonical actors that look like one actor.

Candidates are found by blocking, never by comparing every pair: each name is
filed under a few keys (its letters as an acronym, its initials, a person's
surname, its first word, the initials of its first words) and only names that
share a key are compared, with the rules of ``articles.nlp.names``. A key held
by more than ``MAX_BLOCK`` names says nothing ("Jean", "Banque") and is skipped,
so the work stays near-linear in the size of the registry.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from articles.models import Actor, ActorAlias, Decision, DuplicateDismissal, Kind, Mention
from articles.nlp.names import (
    acronym_match,
    first_names_compatible,
    fold,
    initials,
    person_name,
    shortens,
    significant_words,
)
from articles.nlp.normalise import is_acronym

MAX_BLOCK = 200

# Best first: how sure each reason makes us.
SCORES = {"same name": 100, "acronym": 90, "same person": 85, "known alias": 80, "same surname": 70,
          "acronym of a longer name": 60, "abbreviates": 55, "contains": 50, "short acronym": 45,
          "same surname, ambiguous": 40}
# The reason as stored on the pair (older callers compare with these three).
REASONS = {"same name": "same name", "known alias": "same name", "acronym": "acronym", "short acronym": "acronym",
           "acronym of a longer name": "acronym", "same person": "same surname", "same surname": "same surname",
           "same surname, ambiguous": "same surname", "abbreviates": "contains", "contains": "contains"}


@dataclass(frozen=True)
class DuplicatePair:
    first: Actor
    second: Actor
    reason: str  # "same name", "acronym", "same surname" or "contains"
    rule: str = ""  # the finer rule, a key of SCORES
    detail: str = ""  # the letters of an acronym ("O·N·U"), the shorter name, or the alias
    score: int = 0
    first_articles: int = 0
    second_articles: int = 0


@dataclass(frozen=True)
class _Found:
    rule: str
    detail: str = ""


def duplicate_suggestions() -> list[DuplicatePair]:
    """Every suggested pair, best first: by the score of its reason, then by the
    articles both actors appear in. Pairs a chief editor dismissed are left out;
    suggested actors without any live mention are not considered.

    - the same name once accents, case and hyphens are ignored, or one actor's
      name known as an alias of the other (and of no third one);
    - an acronym and a name whose significant initials it spells, in its own
      language ("ONU" / "Organisation des Nations unies", "UN" / "United Nations"),
      or after a generic first word ("ONU" / "Nations unies");
    - people with the same surname and compatible first names (the same, an
      initial of the other, or none);
    - organisations and events whose shorter name starts the longer one and
      appears in it in order, words or acronyms ("Coupe du monde 2026" /
      "Coupe du monde de football 2026", "CM de football").
    """
    live = Mention.objects.filter(actor=OuterRef("pk")).exclude(decision=Decision.REJECTED)
    actors = {a.id: a for a in Actor.objects.canonical().filter(Q(confirmed=True) | Exists(live))}
    surfaces = defaultdict(set)
    for actor_id, surface in ActorAlias.objects.filter(actor_id__in=list(actors)).values_list("actor_id", "surface"):
        surfaces[actor_id].add(surface)
    for actor in actors.values():
        surfaces[actor.id].add(actor.name)

    found = find_pairs({a.id: (a.kind, a.name, surfaces[a.id]) for a in actors.values()})
    dismissed = set(DuplicateDismissal.objects.values_list("low_id", "high_id"))
    pairs = {key: why for key, why in found.items() if key not in dismissed}
    counts = _article_counts({i for key in pairs for i in key})

    result = []
    for (a, b), why in pairs.items():
        first, second = sorted((actors[a], actors[b]), key=lambda x: (-counts.get(x.id, 0), -len(x.name), x.id))
        result.append(DuplicatePair(first, second, REASONS[why.rule], why.rule, why.detail, SCORES[why.rule],
                                    counts.get(first.id, 0), counts.get(second.id, 0)))
    result.sort(key=lambda p: (-p.score, -(p.first_articles + p.second_articles), p.first.name.lower(),
                               p.second.name.lower()))
    return result


def _article_counts(actor_ids: set[int]) -> dict[int, int]:
    rows = (Mention.objects.filter(actor_id__in=actor_ids).exclude(decision=Decision.REJECTED)
            .values("actor_id").annotate(n=Count("article_id", distinct=True)).order_by())
    return {row["actor_id"]: row["n"] for row in rows}


def find_pairs(actors: dict[int, tuple[str, str, set[str]]]) -> dict[tuple[int, int], _Found]:
    """Pairs (low id, high id) of actors given as id → (kind, name, surfaces),
    each with the best rule that pairs them. Plain Python, for the bench too."""
    pairs: dict[tuple[int, int], _Found] = {}

    def add(a: int, b: int, why: _Found) -> None:
        key = (min(a, b), max(a, b))
        if a != b and (key not in pairs or SCORES[why.rule] > SCORES[pairs[key].rule]):
            pairs[key] = why

    _same_names(actors, add)
    _acronyms(actors, add)
    _people(actors, add)
    _shortened(actors, add)
    return pairs


def _blocks(index: dict) -> list:
    return [held for held in index.values() if 1 < len(held) <= MAX_BLOCK]


def _flat(text: str) -> str:
    return " ".join(fold(w) for w in text.replace("-", " ").split())


def _same_names(actors, add) -> None:
    # Names equal but for accents, case and hyphens; or one actor's name known as an alias of the
    # other ("ONU" an alias of "United Nations"). Two aliases alone say less: grouping may have
    # given the same short form ("the Games") to two events.
    names, aliases = defaultdict(set), defaultdict(set)
    for actor_id, (kind, name, surfaces) in actors.items():
        names[(kind, _flat(name))].add(actor_id)
        for surface in surfaces:
            aliases[(kind, _flat(surface))].add(actor_id)
    for held in _blocks(names):
        ordered = sorted(held)
        for other in ordered[1:]:
            if _compatible(actors, ordered[0], other):
                add(ordered[0], other, _Found("same name"))
    for key, named in names.items():
        others = aliases.get(key, set()) - named
        # An alias several actors hold does not say which one the name is.
        if key[1] and 0 < len(others) <= 1:
            for actor_id in named:
                for other in others:
                    if _compatible(actors, actor_id, other):
                        add(actor_id, other, _Found("known alias", actors[actor_id][1]))


def _compatible(actors, a: int, b: int) -> bool:
    """People's canonical names must not say two first names ("Mr Brown" is an alias of many)."""
    if actors[a][0] != Kind.PERSON:
        return True
    first_a, surname_a = person_name(actors[a][1])
    first_b, surname_b = person_name(actors[b][1])
    return surname_a == surname_b and first_names_compatible(first_a, first_b)


def _acronyms(actors, add) -> None:
    # Both actors' own names: an acronym among the aliases was attached by grouping in one
    # article and may stand for something else elsewhere; an alias shared with an actor's name
    # is the "known alias" rule.
    acronyms, names = defaultdict(list), defaultdict(list)
    for actor_id, (kind, name, _surfaces) in actors.items():
        if kind == Kind.PERSON:
            continue
        if is_acronym(name):
            acronyms[(kind, fold(name.replace(".", "")).upper())].append((actor_id, name))
        elif len(letters := initials(name)) >= 2:
            names[(kind, letters)].append((actor_id, name))
    for (kind, letters), holders in acronyms.items():
        candidates = names.get((kind, letters), []) + names.get((kind, letters[1:]), [])
        if len(candidates) > MAX_BLOCK:
            continue
        for actor_id, acronym in holders:
            matches = [(other_id, name, match) for other_id, name in candidates
                       if (match := acronym_match(acronym, name))]
            # Two letters spell too many names ("AP": a press agency, a province), and so does an
            # acronym that spells several names here (written differently is still one name):
            # which one it means is the editor's guess.
            sure = len(letters) > 2 and len({_flat(name) for _id, name, _match in matches}) == 1
            for other_id, _name, match in matches:
                rule = ("acronym" if sure else "short acronym") if match == "initials" else "acronym of a longer name"
                add(actor_id, other_id, _Found(rule, "·".join(letters)))


def _people(actors, add) -> None:
    # Canonical names only: an alias such as a bare surname may have been given to a relative by mistake.
    by_surname = defaultdict(list)
    for actor_id, (kind, name, _surfaces) in actors.items():
        if kind == Kind.PERSON:
            first, surname = person_name(name)
            if len(surname) >= 2:
                by_surname[surname].append((actor_id, first))
    for people in _blocks(by_surname):
        # A bare surname next to two different first names could be either person: ranked lower.
        ambiguous = len({first for _id, first in people if len(first.rstrip(".")) > 1}) > 1
        for i, (a, first_a) in enumerate(people):
            for b, first_b in people[i + 1:]:
                if first_names_compatible(first_a, first_b):
                    if first_a and first_a == first_b:
                        rule = "same person"
                    else:
                        rule = "same surname, ambiguous" if ambiguous and not (first_a and first_b) else "same surname"
                    add(a, b, _Found(rule))


def _shortened(actors, add) -> None:
    # A short name starts like the long one (its first word, or an acronym of its
    # first words) and has its second word further on: longer names are filed
    # under each (start, later word), a short name looks up its own two.
    longs, shorts = defaultdict(list), []
    for actor_id, (kind, name, surfaces) in actors.items():
        if kind not in (Kind.ORGANISATION, Kind.EVENT, Kind.OTHER):
            continue
        if len(words := significant_words(name)) >= 2:
            start = _start(words[0])
            shorts.append((actor_id, name, (kind, start, fold(words[1]))))
        # Only an actor's own name is the short side: an alias may be a short form that grouping attached
        # to one of several events ("the Games").
        for surface in surfaces:
            folded = [fold(w) for w in significant_words(surface)]
            starts = [(0, folded[0])] if folded else []
            starts += [(n, "·" + "".join(w[0] for w in folded[:n])) for n in range(2, min(len(folded), 4) + 1)]
            for position, start in starts:
                for later in set(folded[max(position, 1):]):
                    longs[(kind, start, later)].append((actor_id, surface))
    for actor_id, name, key in shorts:
        held = longs.get(key, [])
        if len(held) > MAX_BLOCK:
            continue
        for other_id, other in held:
            if other_id != actor_id and (how := shortens(name, other)):
                add(actor_id, other_id, _Found(how, name))


def _start(word: str) -> str:
    return "·" + fold(word.replace(".", "")) if is_acronym(word) else fold(word)
