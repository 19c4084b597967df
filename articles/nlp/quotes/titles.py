"""Titles, roles and descriptions: who "le chef de la diplomatie", "the company's chief executive", "the
Scot" or "the company" stands for."""

import re
from bisect import bisect_left
from functools import lru_cache

from ..lexicon import LEXICONS
from ..types import MentionSpan
from .context import (
    _AGE_WORDS,
    _BECOMING,
    _LATEST_ORGANISATION,
    _NAMED_AGAIN,
    _NEAREST_SUBJECT,
    _ROLE,
    _SPOKESPERSON,
    _STOPWORDS,
    DESCRIPTION,
    NAMED_AGAIN,
    NAMED_NEXT,
    SPOKESPERSON,
    TITLE_HELD,
    TITLE_NEAREST,
    _Attribution,
    _Context,
    _fold,
    _foreign,
    _is_description,
    _is_time,
    _is_title_head,
    _mentions_back,
    _Quote,
    _sentence_start,
)
from .pronouns import _fits, _nearest_antecedent

# Equivalent ways to name a portfolio or a function, folded: compared as one word each.
_CONCEPTS = (
    (re.compile(r"\baffaires etrangeres\b|\bdiplomatie\b|\bforeign(?: affairs)?\b"), " foreignaffairs "),
    (re.compile(r"\bchef du gouvernement\b|\bpremier ministre\b|\bprime minister\b"), " headofgovernment "),
    (re.compile(r"\bchef de l'etat\b|\bhead of state\b"), " president "),
    (re.compile(r"\bchief executive\b|\bdirecteur general\b|\bp\.?-?d\.?g\.?\b|\bceo\b|\bboss\b|\bpatron\b"), " ceo "),
    (re.compile(r"\binterieur\b|\binterior\b|\bhome secretary\b|\bhome office\b"), " interior "),
)


def _description_speaker(ctx: _Context, mention: MentionSpan) -> _Attribution:
    """Who a description stands for ("« … », raconte la Neuchâteloise"): the person the article is about
    there (see _described_person), unless the sentence names someone else before it ("X is fit again, but the
    Scot admitted": the description is there to tell them apart)."""
    first = bisect_left(ctx.idx, mention.start)
    start = first - 1
    while start > 0 and (ctx.pos[start] in ("ADJ", "NUM") or ctx.lower[start] in _AGE_WORDS):
        start -= 1  # back to its determiner
    phrase = ctx.text[ctx.idx[start] : mention.end]
    if ctx.lower[start] in ctx.lexicon.indefinites:
        return _Attribution(None, "", phrase)
    sentence = _sentence_start(ctx, first)
    if any(
        ctx.owner[j] is not None and ctx.owner[j].kind == "person" and not _is_description(ctx, ctx.owner[j])
        for j in range(sentence, start)
        if ctx.quote_of[j] < 0
    ):
        return _Attribution(None, "", phrase)
    person = _described_person(ctx, mention.start, _unwanted_gender(ctx, first), title=False)
    if person is not None and _possessed_by(ctx, person, ctx.lower[first], first):
        person = None
    return _Attribution(person, "", phrase, confidence=_NEAREST_SUBJECT, evidence=DESCRIPTION)


def _possessed_by(ctx: _Context, person: int, word: str, before: int) -> bool:
    """The text named the person as someone of the described one's ("The actor's friend X …. The actor
    refused"): X is not the actor."""
    for mention, start in _mentions_back(ctx, before):
        if mention.group == person and any(
            ctx.lower[k] == word and ctx.lower[k + 1] in ("'s", "'") for k in range(max(0, start - 6), start - 1)
        ):
            return True
    return False


def _aged(ctx: _Context, determiner: int) -> _Attribution | None:
    """ "the 55-year-old said": an age standing for a person, the one the article is about there."""
    j = determiner + 1
    while j < len(ctx.lower) and j - determiner <= 6 and (ctx.pos[j] == "NUM" or ctx.lower[j] in _AGE_WORDS):
        j += 1
    if ctx.lower[j - 1] != "old" or j >= len(ctx.lower) or ctx.pos[j] in ("NOUN", "PROPN"):
        return None  # no age, or an age qualifying a noun ("the 55-year-old actor")
    phrase = ctx.text[ctx.idx[determiner] : ctx.ends[j - 1]]
    if ctx.lower[determiner] in ctx.lexicon.indefinites:
        return _Attribution(None, "", phrase)
    return _Attribution(
        _described_person(ctx, ctx.idx[determiner], None, title=False),
        "",
        phrase,
        confidence=_NEAREST_SUBJECT,
        evidence=DESCRIPTION,
    )


def _seat_speaks(ctx: _Context, mention: MentionSpan) -> bool:
    """A place that is itself the subject of a speech verb stands for its government or institution
    ("Pékin a averti", "a déclaré l'Élysée", "the White House said"): not after a preposition ("à Paris"),
    and nothing but punctuation or a preposition after it ("l'Élysée dans un communiqué")."""
    first = bisect_left(ctx.idx, mention.start)
    after = bisect_left(ctx.idx, mention.end)
    j = first - 1
    if j >= 0 and ctx.lower[j] in ctx.lexicon.determiners:
        j -= 1
    if j >= 0 and ctx.pos[j] == "ADP":
        return False
    return (
        after >= len(ctx.lower)
        or ctx.pos[after] in ("PUNCT", "ADP", "AUX", "VERB")
        or ctx.is_boundary(after)
        or ctx.lower[after] in ctx.lexicon.clitics  # "le Kremlin s'est dit « confiant »"
    )


def _holder_of_title_after(ctx: _Context, mention: MentionSpan, quote: _Quote) -> _Attribution | None:
    """A name that only qualifies the title after it: "Biancardi's attorney, James Zeszutek", "Acme chief
    executive Jane Smith", "the club's manager": the title's holder speaks, not the name (None if not so)."""
    lexicon = ctx.lexicon
    k = bisect_left(ctx.idx, mention.end)
    possessive = k < len(ctx.lower) and ctx.lower[k] in ("'s", "'")
    if possessive:
        k += 1
    elif mention.kind != "organisation":
        return None
    for j in range(k, min(k + 4, len(ctx.lower))):
        owner = ctx.owner[j]
        if owner is not None:
            return _Attribution(owner.group, "") if owner.kind == "person" and j > k else None
        if _is_title_head(ctx, j):
            return _title_subject(ctx, j, None, quote) or _Attribution(None, "")
        if not (possessive or ctx.lower[j] in lexicon.title_modifiers or ctx.pos[j] in ("NOUN", "PROPN", "ADJ")):
            break
    return _Attribution(None, "") if possessive else None


def _title_span(ctx: _Context, head: int) -> tuple[int, int]:
    """Token range of the title phrase around a head word, its determiner included."""
    lexicon = ctx.lexicon
    n = len(ctx.lower)
    english = lexicon is LEXICONS["en"]
    region = ctx.quote_of[head]  # the phrase stays inside (or outside) the quote its head is in
    start = head
    # Modifiers before the head: "Premier ministre", "the company's chief executive".
    while start - 1 >= 0 and head - start < 5 and ctx.quote_of[start - 1] == region:
        word, pos = ctx.lower[start - 1], ctx.pos[start - 1]
        if (
            word in lexicon.title_modifiers
            or word in lexicon.titles
            or (english and (pos in ("ADJ", "NOUN", "PROPN") or word == "'s") and not ctx.is_boundary(start - 1))
        ):
            start -= 1
        else:
            break
    if (
        not english
        and start - 2 >= 0
        and ctx.pos[start - 1] in ("ADJ", "NOUN")
        and ctx.owner[start - 1] is None
        and ctx.lower[start - 2] in lexicon.determiners
    ):
        start -= 1  # "le septuple vainqueur", "la nouvelle présidente"
    if start - 1 >= 0 and (ctx.lower[start - 1] in lexicon.determiners or ctx.lower[start - 1] in lexicon.indefinites):
        start -= 1
    end = head + 1
    complements = 0
    while end < n and ctx.quote_of[end] == region and not ctx.is_boundary(end):
        word, pos = ctx.lower[end], ctx.pos[end]
        if not english and pos == "ADJ" and word not in lexicon.not_title_adjectives:
            end += 1
            continue
        if (word in lexicon.titles or word in lexicon.title_tails) and ctx.owner[end] is None and pos != "PUNCT":
            end += 1  # "chief executive", "secrétaire général"
            continue
        if (
            word in lexicon.title_prepositions
            and end + 2 < n
            and ctx.pos[end + 1] == "NUM"
            and ctx.lower[end + 2] == "ans"
            and ctx.quote_of[end + 2] == region
        ):
            end += 3  # "le jeune trader de 31 ans": an age
            continue
        if word in lexicon.title_prepositions and complements < 3:
            j = end + 1
            if j < n and ctx.lower[j] in lexicon.determiners:
                j += 1
            if j < n and ctx.owner[j] is not None and ctx.owner[j].kind != "person":
                end = bisect_left(ctx.idx, ctx.owner[j].end)
                complements += 1
                continue
            if j < n and ctx.pos[j] in ("NOUN", "PROPN") and ctx.owner[j] is None:
                end = j + 1
                complements += 1
                continue
        break
    return start, end


def _title_subject(ctx: _Context, head: int, cue_start: int | None, quote: _Quote) -> _Attribution | None:
    start, end = _title_span(ctx, head)
    between = end
    relative = end + 1 < len(ctx.lower) and ctx.lower[end] == "," and ctx.lower[end + 1] in ctx.lexicon.relatives
    if cue_start is not None and end + 1 < cue_start and relative:
        # "Le jeune trader, qui a pris des positions …, a expliqué": past the relative clause set off by commas.
        between = next((k for k in range(cue_start - 1, end + 1, -1) if ctx.lower[k] == ","), end)
    if cue_start is not None and any(
        ctx.pos[k] not in ("ADV", "PUNCT", "AUX", "PART", "PRON") and not _is_time(ctx, k)
        for k in range(between, cue_start)
    ):
        return None  # the title is not the subject of this verb
    lexicon = ctx.lexicon
    phrase = ctx.text[ctx.idx[start] : ctx.ends[end - 1]]
    # "X, le ministre de l'Intérieur, a déclaré": the title is an apposition, the name the subject.
    before = start - 1
    if (
        before - 1 >= 0
        and ctx.lower[before] == ","
        and ctx.owner[before - 1] is not None
        and ctx.owner[before - 1].kind == "person"
        and not _is_description(ctx, ctx.owner[before - 1])
    ):
        return _Attribution(ctx.owner[before - 1].group, "")
    # "le producteur et musicien suisse David Wehren", "said the chief executive, Jane Smith", "répond son agent,
    # l'avocat genevois Jacques Barillon": the title names the person set right after it.
    named = _named_after_title(ctx, end, quote)
    if named is None:
        named = _apposed_person(ctx, end, quote)
    if named is not None:
        return _Attribution(named, "")
    definite = ctx.lower[start] in lexicon.determiners
    position = min(quote.open, ctx.idx[start])
    if ctx.lower[head] in lexicon.spokespeople:
        # "le porte-parole du ministère", "a spokesman for Acme": the organisation speaks through them,
        # unless a person of the article holds that very title.
        organisation = next(
            (
                ctx.owner[k]
                for k in (*range(head, end), *range(start, head))
                if ctx.owner[k] is not None and ctx.owner[k].kind == "organisation"
            ),
            None,
        )
        if organisation is None:
            organisation = _organisation_of_word(ctx, start, head)
        if organisation is not None:
            person = _role_holder(ctx, phrase, position, exact=True) if definite else None
            return _Attribution(
                person if person is not None else organisation.group,
                "",
                phrase,
                confidence=_SPOKESPERSON,
                evidence=SPOKESPERSON,
            )
        # "un porte-parole du groupe", "a spokesman for the company": the organisation named before.
        named = next(
            (
                _organisation_named_again(ctx, k)
                for k in range(head + 1, end)
                if ctx.lower[k] in lexicon.organisations and ctx.pos[k] in ("NOUN", "PROPN")
            ),
            None,
        )
        if named is not None and named.speaker is not None:
            return _Attribution(
                named.speaker, "", phrase, confidence=min(_SPOKESPERSON, named.confidence), evidence=SPOKESPERSON
            )
    if ctx.lower[start] in lexicon.indefinites:
        return _Attribution(None, "", phrase)  # "un diplomate", "an official": someone unnamed
    if lexicon is LEXICONS["fr"] and not definite:
        return None  # "ministre" alone, without its article, is not a French subject
    unwanted = _unwanted_gender(ctx, head)
    person = _role_holder(ctx, phrase, position, exact=False, unwanted=unwanted, strict=True)
    if person is not None:
        return _Attribution(person, "", phrase, confidence=_ROLE, evidence=TITLE_HELD)
    described = _described_person(ctx, position, unwanted, title=ctx.lower[head] in lexicon.titles)
    # A role the text gives only later and with fewer words ("le ministre X" further down for "le
    # ministre de l'Agriculture" here) holds the title when the person the article is about here is no
    # one else.
    person = _role_holder(ctx, phrase, position, exact=False, unwanted=unwanted)
    if person is not None and described in (None, person):
        return _Attribution(person, "", phrase, confidence=_ROLE, evidence=TITLE_HELD)
    # No one holds the title: the one the article is about at that point, if that is clear.
    person = described
    if person is not None and (_met_there(ctx, person, head) or _possessed_by(ctx, person, ctx.lower[head], start)):
        person = None  # "X met the Prime Minister. "…," the Prime Minister said": not X
    acting = ctx.lower[head] in lexicon.titles and _undergoes(ctx, person, head) if person is not None else False
    if person is not None and (_someone_elses(ctx, start, end) or acting):
        # "Harper's lawyer", "son avocat", "l'avocat de X": someone of someone's, not that someone; "X was
        # sentenced. "…," the judge said": the one who undergoes holds no title acting on them ("the trader"
        # describing them may be theirs).
        person = None
    if person is not None and any(ctx.lower[k] in lexicon.organisations for k in range(start, end) if k != head):
        # "the club's manager", "l'entraîneur du club": someone of an organisation the text names, and the
        # entity model may have taken that organisation for the person the article is about.
        person = None
    return _Attribution(person, "", phrase, confidence=_NEAREST_SUBJECT, evidence=TITLE_NEAREST)


def _someone_elses(ctx: _Context, start: int, end: int) -> bool:
    """The title phrase tells whose it is: a possessive ("son avocat", "his lawyer"), a person's name before "'s"
    or after "de"/"of" ("Harper's lawyer", "l'avocat de X")."""
    if ctx.lower[start] in ctx.lexicon.possessives:
        return True
    complement = end < len(ctx.lower) and ctx.lower[end] in ctx.lexicon.title_prepositions | {"of"}
    return any(
        ctx.owner[k] is not None and ctx.owner[k].kind == "person" and ctx.quote_of[k] < 0
        for k in range(max(0, start - 3), min(end + 3, len(ctx.lower) - 1))
        if k < end and ctx.lower[k + 1] in ("'s", "'") or k > end and complement
    )


def _undergoes(ctx: _Context, person: int, head: int) -> bool:
    """The person's latest mention before token ``head`` is the subject of a passive ("X was sentenced", "X a été
    condamné"), a verb that makes them someone ("X a été élu", "was named") aside."""
    starts = ctx.person_starts.get(person, [])
    n = bisect_left(starts, ctx.idx[head])
    if not n:
        return False
    k = bisect_left(ctx.idx, starts[n - 1])
    while k < len(ctx.lower) and ctx.owner[k] is not None and ctx.owner[k].group == person:
        k += 1
    for j in range(k, min(k + 4, len(ctx.lower) - 1)):
        participle = "VerbForm=Part" in ctx.morph(j + 1) and ctx.lower[j + 1] not in _BECOMING
        if ctx.lower[j] in ctx.lexicon.passive_be and participle:
            return True
        if ctx.pos[j] not in ("AUX", "ADV"):
            return False
    return False


def _organisation_of_word(ctx: _Context, start: int, head: int) -> MentionSpan | None:
    """ "an Executive spokeswoman", "a Labour spokesman": a word before the title that is a word of the name
    of one organisation the article named before (the latest, when several)."""
    for k in range(start, head):
        word = _fold(ctx.lower[k])
        if ctx.owner[k] is not None or len(word) < 4 or word in _STOPWORDS:
            continue
        if ctx.pos[k] not in ("NOUN", "PROPN", "ADJ"):
            continue
        for mention, _ in _mentions_back(ctx, start):
            names = (_fold(ctx.groups[mention.group].name), *map(_fold, ctx.groups[mention.group].surfaces))
            if mention.kind == "organisation" and any(word in name.split() for name in names):
                return mention
    return None


def _met_there(ctx: _Context, person: int, head: int) -> bool:
    """After a verb, the sentence of the person's latest mention before token ``head`` names someone else by
    the same title or noun ("X met the Prime Minister", "X a reçu le musicien"): the title stands for that
    other one. A title set beside the name ("X, septuple vainqueur du Tour, …") or given by a copula ("X is
    the Labour MP", "X a été nommé ministre") is the person's own."""
    starts = ctx.person_starts.get(person, [])
    n = bisect_left(starts, ctx.idx[head])
    if not n:
        return False
    k = bisect_left(ctx.idx, starts[n - 1])
    verb = False
    while k < len(ctx.lower) and k != head and not (ctx.is_boundary(k) and ctx.quote_of[k] < 0):
        if ctx.quote_of[k] < 0 and ctx.owner[k] is None:
            if verb and ctx.lower[k] == ctx.lower[head]:
                return True
            verb = verb or ctx.pos[k] == "VERB" and ctx.lower[k] not in _BECOMING
        k += 1
    return False


def _described_person(ctx: _Context, position: int, unwanted: str | None, title: bool = True) -> int | None:
    """The person a title no one holds or a description ("le musicien", "the actor") stands for, at char
    ``position``: the subject of the nearest sentence naming a fitting person, or the latest person quoted
    before, when they agree or only one of them is known. Neither may carry another title of the article
    ("le chancelier allemand" is not "le président français": such a subject leaves it to no one) when it is a
    ``title``, and "X a demandé à Y …. Le ministre a …" is X, not merely the latest name."""
    titled = {role.group for role in ctx.roles} if title else set()
    subject = _nearest_antecedent(ctx, bisect_left(ctx.idx, position), "person", None, unwanted, subject_only=True)
    speaker = next(
        (
            q.speaker
            for q in reversed(ctx.quotes)
            if q.open < position
            and q.speaker is not None
            and ctx.groups[q.speaker].kind == "person"
            and _fits(ctx, q.speaker, None, unwanted)
            and q.speaker not in titled
        ),
        None,
    )
    if subject in titled:
        return None
    found = {group for group in (subject, speaker) if group is not None}
    return found.pop() if len(found) == 1 else None


def _unwanted_gender(ctx: _Context, head: int) -> str | None:
    """The gender a person described by the title or noun at ``head`` cannot have: "la responsable" is no
    man, "the spokesman" no woman."""
    lexicon = ctx.lexicon
    word = ctx.lower[head]
    if word in lexicon.female_titles:
        return "M"
    if word in lexicon.male_titles:
        return "F"
    if lexicon is LEXICONS["fr"]:
        # The determiner tells where the noun has one form for both ("la ministre", "le juge"), over
        # adjectives and modifiers before the noun ("la nouvelle ministre").
        k = head - 1
        while k > 0 and head - k < 4 and (ctx.pos[k] == "ADJ" or ctx.lower[k] in lexicon.title_modifiers):
            k -= 1
        if k >= 0 and ctx.lower[k] in lexicon.feminine_determiners:
            return "M"
        if k >= 0 and ctx.lower[k] in lexicon.masculine_determiners and word not in lexicon.spokespeople:
            return "F"
        morph = ctx.morph(head)
        if "Gender=Fem" in morph:
            return "M"
        if "Gender=Masc" in morph and word not in lexicon.spokespeople:
            return "F"
    return None


def _named_after_title(ctx: _Context, end: int, quote: _Quote) -> int | None:
    """A person named right after a title, over adjectives and a second title: "le producteur et musicien
    suisse David Wehren", "Labour MP Anna Wright"."""
    lexicon = ctx.lexicon
    for j in range(end, min(end + 5, len(ctx.lower))):
        owner = _past_party(ctx, ctx.owner[j])
        if owner is not None:
            if owner.kind == "person" and not _is_description(ctx, owner) and not _foreign(ctx, j, quote):
                return owner.group
            return None
        word = ctx.lower[j]
        if not (
            ctx.pos[j] == "ADJ"
            or _is_title_head(ctx, j)
            or word in lexicon.title_modifiers
            or word in lexicon.coordinators
            and j + 1 < len(ctx.lower)
            and (ctx.pos[j + 1] == "ADJ" or _is_title_head(ctx, j + 1))
        ):
            return None
    return None


def _past_party(ctx: _Context, mention: MentionSpan | None) -> MentionSpan | None:
    """The person named right after an organisation that qualifies a title ("le député UMP Jean Dupont": the
    party, then its member), else the mention itself."""
    if mention is None or mention.kind != "organisation":
        return mention
    after = bisect_left(ctx.idx, mention.end)
    following = ctx.owner[after] if after < len(ctx.lower) else None
    return following if following is not None and following.kind == "person" else mention


def _apposed_person(ctx: _Context, end: int, quote: _Quote) -> int | None:
    """A person set beside the noun phrase ending before token ``end``, after a comma: "said the chief
    executive, Jane Smith", "répond son agent, l'avocat genevois Jacques Barillon", "le représentant du
    leader tibétain en Europe, Jampal Chosang, ajoutant". Not the subject of a clause of its own ("selon le
    ministère, Jean Dupont a démissionné")."""
    lexicon = ctx.lexicon
    n = len(ctx.lower)
    j = end
    while j < n and ctx.lower[j] != "," and j - end < 5:
        # A short complement may end the noun phrase first: "en Europe", "of the bank Acme".
        owner = ctx.owner[j]
        if (
            ctx.is_boundary(j)
            or _foreign(ctx, j, quote)
            or owner is not None
            and owner.kind == "person"
            or ctx.pos[j] not in ("ADP", "DET", "NOUN", "PROPN", "ADJ")
        ):
            return None
        j += 1
    if j >= n or ctx.lower[j] != ",":
        return None
    for k in range(j + 1, min(j + 7, n)):
        owner = ctx.owner[k]
        if owner is not None:
            if owner.kind != "person" or _is_description(ctx, owner) or _foreign(ctx, k, quote):
                return None
            after = bisect_left(ctx.idx, owner.end)
            if after < n and ctx.pos[after] in ("VERB", "AUX") and ctx.finite(after):
                return None  # the name opens a clause of its own
            return owner.group
        word = ctx.lower[k]
        if not (
            ctx.pos[k] in ("DET", "ADJ")
            or _is_title_head(ctx, k)
            or word in lexicon.title_modifiers
            or word in lexicon.courtesy_female
            or word in lexicon.courtesy_male
        ):
            return None
    return None


def _role_holder(
    ctx: _Context, phrase: str, before: int, exact: bool, unwanted: str | None = None, strict: bool = False
) -> int | None:
    """The person whose role matches a title phrase (its words all in the role, or the role's all in
    it), else, unless ``exact``, the one sharing most words with it among the roles the text gave before
    char ``before``; ties go to the latest mentioned. Never a person of the ``unwanted`` gender. When
    ``strict``, a role the text gives after ``before`` must hold every word of the title."""
    wanted = _stems(phrase)
    recency = _person_recency(ctx, before)
    best: tuple[int, int, int, int] | None = None  # (match, overlap, recency, group)
    for role in ctx.roles:
        if not _fits(ctx, role.group, None, unwanted):
            continue
        have = _stems(role.title)
        overlap = len(wanted & have)
        if not overlap:
            continue
        match = 1 if wanted <= have or have <= wanted else 0
        if not match and (exact or role.start >= before):
            continue
        if strict and role.start >= before and not wanted <= have:
            continue
        key = (match, overlap, recency.get(role.group, -1), role.group)
        if best is None or key > best:
            best = key
    return best[3] if best is not None else None


def _person_recency(ctx: _Context, before: int) -> dict[int, int]:
    # Persons mentioned before char ``before`` outside quotes → position of their latest mention.
    recency = {}
    for group, starts in ctx.person_starts.items():
        n = bisect_left(starts, before)
        if n:
            recency[group] = starts[n - 1]
    return recency


def _organisation_named_again(ctx: _Context, head: int) -> _Attribution | None:
    """ "le ministère", "the company": the latest organisation with that word in its name (or, for a
    company, the latest organisation); None when no organisation fits."""
    lexicon = ctx.lexicon
    if head == 0 or ctx.lower[head - 1] not in lexicon.determiners | lexicon.definite_prepositions:
        return None  # "le ministère", "du groupe", "the company"
    word = _fold(ctx.lower[head])
    for mention, token in _mentions_back(ctx, head):
        if mention.kind != "organisation":
            continue
        k = token - 1 if token > 0 and ctx.lower[token - 1] in lexicon.determiners else token
        if k > 0 and (ctx.lower[k - 1] in lexicon.listener_prepositions or ctx.lower[k - 1] in lexicon.tell_verbs):
            continue  # "a indiqué à l'agence X", "told the BBC": the listener is not the organisation meant
        names = (_fold(ctx.groups[mention.group].name), *(_fold(s) for s in ctx.groups[mention.group].surfaces))
        if any(word in name.split() for name in names):
            return _Attribution(mention.group, "", confidence=_NAMED_AGAIN, evidence=NAMED_AGAIN)
        if ctx.lower[head] in lexicon.generic_organisations:
            return _Attribution(mention.group, "", confidence=_LATEST_ORGANISATION, evidence=NAMED_AGAIN)
    # Named only after, as the subject opening the next sentence ("…, regrette le syndicat. La Fédération X
    # a …"): a guess.
    if ctx.lower[head] in lexicon.generic_organisations:
        return None
    following = next((k for k in range(head + 1, len(ctx.lower)) if ctx.is_boundary(k)), None)
    if following is None:
        return None
    while following < len(ctx.lower) and (ctx.is_boundary(following) or ctx.lower[following] in lexicon.determiners):
        following += 1
    mention = ctx.owner[following] if following < len(ctx.lower) else None
    if mention is None or mention.kind != "organisation" or ctx.quote_of[following] >= 0:
        return None
    if any(earlier.group == mention.group for earlier, _ in _mentions_back(ctx, head)):
        return None  # named before without the word ("the ministry said …. Acme Union head X"): another
    return _Attribution(mention.group, "", confidence=_NEAREST_SUBJECT, evidence=NAMED_NEXT)


@lru_cache(maxsize=4096)
def _stems(phrase: str) -> frozenset[str]:
    folded = " " + " ".join(re.findall(r"[a-z0-9.'-]+", _fold(phrase))) + " "
    for pattern, concept in _CONCEPTS:
        folded = pattern.sub(concept, folded)
    stems = set()
    for word in re.findall(r"[a-z0-9]+", folded):
        if word in _STOPWORDS:
            continue
        # One form for the masculine, feminine and plural: "français", "française", "étrangères".
        for suffix in ("s", "e", "s"):
            if len(word) > 3 and word.endswith(suffix):
                word = word[: -len(suffix)]
        stems.add(word)
    return frozenset(stems)
