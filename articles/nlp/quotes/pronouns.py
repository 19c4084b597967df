"""Pronouns and gender: the person a pronoun stands for, and the gender each person group has in the text."""

from bisect import bisect_left

from ..types import MentionSpan
from . import attribution
from .context import (
    _CLITICS,
    _PRONOUN,
    _WINDOW_AFTER,
    NAME,
    PRONOUN,
    _Attribution,
    _Context,
    _is_description,
    _is_time,
    _is_title_head,
    _mentions_back,
    _person_by_surname,
    _Quote,
    _sentence_start,
)
from .cues import _cue_chain, _is_auxiliary_of_cue, _is_speech_verb

# "Ce dernier a jugé …": the latest person named; "the latter" says no gender.
_LATTER = {("ce", "dernier"): "M", ("cette", "dernière"): "F", ("the", "latter"): "N"}


def _resolve_pronoun(ctx: _Context, gender: str, before: int) -> int | None:
    """The person (or, for "it", the organisation) a pronoun at char ``before`` refers to."""
    if gender == "P":
        return None  # several speakers: no one group said it
    kind = "organisation" if gender == "N" else "person"
    last = bisect_left(ctx.idx, before)
    wanted = "F" if gender == "F" else None
    unwanted = "F" if gender == "M" else "M" if gender == "F" else None
    if kind == "person":
        described = _described_before(ctx, last, unwanted)
        if described is not None:
            return described.speaker
        unwanted = "F" if gender == "M" else None
    unsure: list[int] = []  # the first pass found two candidates and could not choose
    for pass_ in (0, 1):
        if unsure:
            return None
        found = _nearest_antecedent(
            ctx,
            last,
            kind,
            wanted if pass_ == 0 else None,
            unwanted if pass_ == 0 else None,
            subject_only=kind == "organisation",
            unsure=unsure,
        )
        if found is not None:
            if kind == "person" and _unknown_speaker_since(ctx, found, last):
                return None
            if kind == "organisation" and _other_speaker_since(ctx, found, last):
                return None
            return found
    return None


def _other_speaker_since(ctx: _Context, group: int, last: int) -> bool:
    """Someone else is quoted by a speech verb between the organisation's latest mention and the pronoun at
    token ``last`` (""…," said Acme. It also said …" after a mention of Beta Corp): "it" may be that speaker,
    whatever kind the entity model gave it."""
    position = ctx.idx[last] if last < len(ctx.idx) else ctx.limit
    latest = next((m.start for m, _ in _mentions_back(ctx, last) if m.group == group), None)
    if latest is None:
        return False
    return any(
        q.by_verb and q.speaker is not None and q.speaker != group and latest < q.open < position for q in ctx.quotes
    )


def _described_before(ctx: _Context, last: int, unwanted: str | None) -> _Attribution | None:
    """The sentences between a pronoun at token ``last`` and the nearest name before it may be about someone
    the text only describes ("The Tory leader countered …. He declared:", "But a spokeswoman insisted …. "…,"
    she said", "X is fit, but the Scot admitted …. "…," he said"): the pronoun is that description's, whoever
    holds it or no one. None when a name comes first (the pronoun is read as usual)."""
    lexicon = ctx.lexicon
    end = _sentence_start(ctx, last)  # the pronoun's own sentence is about it
    if any(q.by_verb and q.evidence == NAME and end <= q.t0 and q.t1 <= last for q in ctx.quotes):
        return None  # '"…," said X, an official: "…," he went on': a speaker named before it in its sentence
    for _ in range(3):
        if end <= 0:
            return None
        floor = _sentence_start(ctx, end - 1)
        probe = _Quote(ctx.idx[floor], ctx.idx[floor], False, 0, 0)
        found = None
        for verb in range(end - 1, floor - 1, -1):
            if ctx.quote_of[verb] >= 0 or not _is_speech_verb(ctx, verb):
                continue
            start, stop, inverted = _cue_chain(ctx, verb)
            # A pronoun speaking there ("he said", "said he.") is about someone earlier still: no need to
            # resolve it here.
            pronoun = any(
                ctx.lower[k] in lexicon.subjects and ctx.quote_of[k] < 0 for k in range(max(floor, start - 6), start)
            ) or (stop + 1 < end and ctx.lower[stop] in lexicon.subjects and ctx.pos[stop + 1] == "PUNCT")
            if inverted is None and not pronoun:
                found = attribution._subject_before(ctx, start, floor, probe)
                if found is None and ctx.lower[verb] not in lexicon.tell_verbs:
                    found = attribution._subject_after(ctx, stop, probe)
            break
        if found is None:
            verb = next(
                (
                    k
                    for k in range(floor, end)
                    if ctx.quote_of[k] < 0 and ctx.pos[k] in ("VERB", "AUX") and ctx.finite(k)
                ),
                end,
            )
            if not any(ctx.lower[k] in lexicon.subjects for k in range(floor, verb)):
                found = attribution._sentence_subject(ctx, floor, verb, probe)
        if found is not None and found.role and _fits_phrase(ctx, found, unwanted):
            return found
        if any(
            ctx.quote_of[k] < 0
            and ctx.owner[k] is not None
            and ctx.owner[k].kind == "person"
            and not _is_description(ctx, ctx.owner[k])
            for k in range(floor, end)
        ):
            return None
        end = floor
    return None


def _fits_phrase(ctx: _Context, found: _Attribution, unwanted: str | None) -> bool:
    """The title or description ``found`` (and the person it stands for) may be of the pronoun's gender."""
    if unwanted is None:
        return True
    words = set(found.role.casefold().split())
    gender = "F" if words & ctx.lexicon.female_titles else "M" if words & ctx.lexicon.male_titles else None
    if gender == unwanted:
        return False
    return found.speaker is None or _fits(ctx, found.speaker, None, unwanted)


def _unknown_speaker_since(ctx: _Context, group: int, last: int) -> bool:
    """A sentence after the antecedent's last mention opens with a name that is no person of the article
    and speaks ("Al-Sawarmi Khalid, spokesman for the army, said …"): the pronoun may be theirs."""
    starts = ctx.person_starts.get(group, [])
    n = bisect_left(starts, ctx.idx[last] if last < len(ctx.idx) else ctx.limit)
    k = bisect_left(ctx.idx, starts[n - 1]) + 1 if n else 0
    if any(q.by_verb and q.speaker is None and k <= q.t0 < last for q in ctx.quotes):
        return True  # '"…," said the fisherman's wife. "…," she said': someone the text did not name
    while k < last:
        if ctx.sent[k] != ctx.sent[k - 1] and ctx.quote_of[k] < 0:
            owner = ctx.owner[k]
            # "Al-Sawarmi Khalid, spokesman …, said", "L'association a expliqué qu'elle …" (« elle » may be it).
            unknown = (
                owner is not None
                and owner.kind != "person"
                or owner is None
                and ctx.pos[k] == "PROPN"
                and ctx.text[ctx.idx[k]].isupper()
                and _person_by_surname(ctx, k) != group
                or ctx.lower[k] in ctx.lexicon.determiners
                and k + 1 < last
                and ctx.lower[k + 1] in ctx.lexicon.organisations
            )
            end = min(k + _WINDOW_AFTER, last)
            # Its own verb (the first finite one) says it: "Polar Express is based on a book which tells …" does not.
            verb = next(
                (
                    j
                    for j in range(k, end)
                    if ctx.quote_of[j] < 0
                    and (ctx.pos[j] in ("VERB", "AUX") and ctx.finite(j) or _is_speech_verb(ctx, j))
                ),
                None,
            )
            if unknown and verb is not None and (_is_speech_verb(ctx, verb) or _is_auxiliary_of_cue(ctx, verb)):
                return True
        k += 1
    return False


def _nearest_antecedent(
    ctx: _Context,
    last: int,
    kind: str,
    wanted: str | None,
    unwanted: str | None,
    subject_only: bool = False,
    unsure: list[int] | None = None,
) -> int | None:
    # Walks back to the nearest sentence naming a fitting actor; there its subject (named before any
    # finite verb of the sentence) wins over the others, then the latest one. A sentence whose subject is
    # itself a pronoun ("He directed X's film") is about someone named earlier: the walk goes on.
    for _ in range(3):
        same: list[MentionSpan] = []
        sentence = -1
        for mention, token in _mentions_back(ctx, last):
            if sentence >= 0 and ctx.sent[token] != sentence:
                break
            if _in_heading(ctx, mention.start):
                continue  # "Un duel qui promet avec X" over a paragraph: a heading tells who the article is about
            if mention.kind == kind and _fits(ctx, mention.group, wanted, unwanted):
                sentence = ctx.sent[token]
                same.append(mention)
        if not same:
            return None
        missed = _missed_subject_since(ctx, sentence, last, wanted, unwanted) if kind == "person" else None
        if missed is not None:
            return missed
        if kind == "person" and _coordinated_subjects(ctx, sentence):
            return None  # "X et Y ont démissionné. « … », a-t-il dit": one of two, no one can tell which
        subject = _subject_among(ctx, same, sentence)
        if subject is not None:
            return subject
        if wanted is not None and unsure is not None:
            # The sentence's subject, of a gender the text does not tell, against a name of the wanted gender
            # lower in it ("Sam Roe beat actress Ann Smith in the final. "…," she said"): the gendered
            # word may describe something else, and the subject may be a woman too. No one.
            others = [
                mention
                for mention, token in _mentions_back(ctx, bisect_left(ctx.idx, same[0].end))
                if ctx.sent[token] == sentence and mention.kind == kind and _fits(ctx, mention.group, None, unwanted)
            ]
            if _subject_among(ctx, others, sentence) is not None:
                unsure.append(sentence)
                return None
        first = _sentence_start(ctx, bisect_left(ctx.idx, same[-1].start))
        if _pronoun_opens(ctx, first, bisect_left(ctx.idx, same[-1].start)):
            last = first
            continue
        if subject_only:
            return None
        first_token = bisect_left(ctx.sent, sentence)
        verbs = [
            i
            for i in range(first_token, bisect_left(ctx.idx, same[0].start))
            if ctx.quote_of[i] < 0 and ctx.pos[i] in ("VERB", "AUX") and ctx.finite(i)
        ]
        for mention in reversed(same):  # text order
            if not verbs or ctx.idx[verbs[0]] > mention.start:
                return mention.group
        # A name the entity model missed as the subject ("Ancelotti said he was aware of the threat United
        # posed"): the one person of that surname, else no one.
        unnamed = next(
            (
                k
                for k in range(first_token, verbs[0])
                if ctx.owner[k] is None
                and ctx.pos[k] == "PROPN"
                and ctx.text[ctx.idx[k]].isupper()
                and ctx.quote_of[k] < 0
            ),
            None,
        )
        if unnamed is not None:
            person = _person_by_surname(ctx, unnamed)
            return person if person is not None and _fits(ctx, person, wanted, unwanted) else None
        # No subject to go by: the latest name only when it is the sentence's one fitting actor.
        return same[0].group if len({mention.group for mention in same}) == 1 else None
    return None


_HEADING_WORDS = 12  # a line this short with no sentence mark at its end, over a paragraph, is a heading


def _in_heading(ctx: _Context, position: int) -> bool:
    """The character at ``position`` is on a heading's line: a few words alone on their line with no sentence
    mark at the end, a paragraph after them."""
    # Read no further than a heading's length each way: a long line (one paragraph for a whole article) is no heading.
    reach = 20 * _HEADING_WORDS
    start = ctx.text.rfind("\n", max(0, position - reach), position) + 1
    end = ctx.text.find("\n", position, min(ctx.limit, position + reach))
    if end < 0 or start == 0 and position > reach:
        return False
    line = ctx.text[start:end].strip()
    return bool(line) and line[-1] not in '.!?…:;»"”)' and len(line.split()) <= _HEADING_WORDS


def _missed_subject_since(
    ctx: _Context, sentence: int, last: int, wanted: str | None, unwanted: str | None
) -> int | None:
    """A sentence between ``sentence`` and the pronoun at token ``last`` opens with a surname the entity model
    missed ("… said Lowe. Marsh went home. "…," he said"): the one fitting person of that name, the
    nearest such sentence first."""
    first = bisect_left(ctx.sent, sentence + 1)
    k = _sentence_start(ctx, last) - 1
    while k >= first:
        start = max(_sentence_start(ctx, k), first)
        for j in range(start, k + 1):
            if ctx.quote_of[j] >= 0 or ctx.owner[j] is not None or ctx.pos[j] in ("VERB", "AUX") and ctx.finite(j):
                break
            if ctx.pos[j] == "PROPN" and ctx.text[ctx.idx[j]].isupper():
                person = _person_by_surname(ctx, j)
                if person is not None and _fits(ctx, person, wanted, unwanted):
                    return person
                break
        k = start - 1
    return None


def _subject_among(ctx: _Context, same: list[MentionSpan], sentence: int) -> int | None:
    # "X a une chance sur deux, a déclaré Y": the inverted subject of a speech verb is that of the main clause,
    # whoever the reported clause before it is about.
    for mention in reversed(same):
        before = bisect_left(ctx.idx, mention.start) - 1
        while before >= 0 and (
            ctx.lower[before] in ctx.lexicon.courtesy_male
            or ctx.lower[before] in ctx.lexicon.courtesy_female
            or _is_title_head(ctx, before)
            or ctx.owner[before] is None and (ctx.pos[before] == "ADV" or _is_time(ctx, before))
        ):
            before -= 1
        after = bisect_left(ctx.idx, mention.end)
        # Not the subject opening the reported clause: "said Mr X's plan was …", "said X was …".
        inverted = after >= len(ctx.pos) or ctx.pos[after] in ("PUNCT", "ADP") and ctx.lower[after] not in ("'s", "'")
        if inverted and before >= 0 and ctx.quote_of[before] < 0 and _is_speech_verb(ctx, before):
            return mention.group
    for mention in reversed(same):  # text order: a name its finite verb follows is the subject
        if _verb_before(ctx, bisect_left(ctx.sent, sentence), bisect_left(ctx.idx, mention.start)):
            continue  # "Ils étaient tous des X, …, a expliqué Y": X is no subject
        k = bisect_left(ctx.idx, mention.end)
        if k + 1 < len(ctx.lower) and ctx.lower[k] == ",":
            # "X, septuple vainqueur du Tour qui a annoncé son retour, a repoussé …": past the apposition, within
            # the sentence; a verb right after the comma is the name's own ("Un élu lyonnais, X, conteste …").
            k = k + 1 if _finite_outside_quotes(ctx, k + 1) else _after_apposition(ctx, k, sentence)
        while k < len(ctx.lower) and ctx.owner[k] is None and (ctx.pos[k] == "ADV" or ctx.lower[k] in _CLITICS):
            k += 1
        if k < len(ctx.lower) and _finite_outside_quotes(ctx, k):
            return mention.group
    return None


def _latter(ctx: _Context, k: int) -> _Attribution | None:
    """ "ce dernier", "cette dernière", "the latter" at token k: the latest person named before, of that gender."""
    pair = tuple(ctx.lower[k : k + 2])
    gender = _LATTER.get(pair)
    if gender is None or ctx.quote_of[k] >= 0:
        return None
    unwanted = "M" if gender == "F" else "F" if gender == "M" else None
    person = next(
        (
            mention.group
            for mention, _ in _mentions_back(ctx, k)
            if mention.kind == "person"
            and not _is_description(ctx, mention)
            and _fits(ctx, mention.group, None, unwanted)
        ),
        None,
    )
    phrase = ctx.text[ctx.idx[k] : ctx.ends[k + 1]]
    return _Attribution(person, "", phrase, confidence=_PRONOUN, evidence=PRONOUN)


def _coordinated_subjects(ctx: _Context, sentence: int) -> bool:
    """Before its first verb, the sentence names two people joined by a coordinator ("X et Y ont …", "X and Y
    resigned"): its subject is both."""
    k = bisect_left(ctx.sent, sentence)
    while k < len(ctx.lower) and ctx.sent[k] == sentence and not _finite_outside_quotes(ctx, k):
        owner = ctx.owner[k]
        if owner is not None and owner.kind == "person" and ctx.quote_of[k] < 0:
            after = bisect_left(ctx.idx, owner.end)
            following = ctx.owner[after + 1] if after + 1 < len(ctx.lower) else None
            if (
                ctx.lower[after] in ctx.lexicon.coordinators
                and following is not None
                and following.kind == "person"
                and following.group != owner.group
            ):
                return True
            k = after
            continue
        k += 1
    return False


def _finite_outside_quotes(ctx: _Context, k: int) -> bool:
    return ctx.pos[k] in ("VERB", "AUX") and ctx.finite(k) and ctx.quote_of[k] < 0


def _after_apposition(ctx: _Context, comma: int, sentence: int) -> int:
    """The token after the comma closing an apposition opened at token ``comma``, else ``comma``."""
    for j in range(comma + 1, min(comma + 30, len(ctx.lower))):
        if ctx.sent[j] != sentence:
            break
        if ctx.lower[j] == ",":
            return j + 1
    return comma


def _pronoun_opens(ctx: _Context, first: int, stop: int) -> bool:
    """The sentence from token ``first`` has a subject pronoun before its first finite verb and name."""
    for k in range(first, stop):
        if ctx.lower[k] in ctx.lexicon.subjects and ctx.pos[k] == "PRON":
            return True
        if ctx.owner[k] is not None or ctx.pos[k] in ("VERB", "AUX", "NOUN", "PROPN"):
            return False
    return False


def _verb_before(ctx: _Context, first: int, stop: int) -> bool:
    """A finite verb between tokens ``first`` and ``stop`` (or the last line break or sentence end before it),
    outside quotes and parentheses."""
    depth = 0
    for i in range(stop - 1, first - 1, -1):
        word = ctx.lower[i]
        if ctx.is_boundary(i) and ctx.quote_of[i] < 0:
            return False
        depth += (word == ")") - (word == "(")
        if depth <= 0 and ctx.quote_of[i] < 0 and ctx.pos[i] in ("VERB", "AUX") and ctx.finite(i):
            return True
    return False


def _fits(ctx: _Context, group: int, wanted: str | None, unwanted: str | None) -> bool:
    gender = ctx.genders.get(group)
    if wanted is not None:
        return gender == wanted
    return unwanted is None or gender != unwanted


def _genders(ctx: _Context) -> dict[int, str]:
    """What the text tells of each person's gender: courtesy titles, gendered titles, agreement."""
    lexicon = ctx.lexicon
    votes: dict[int, list[str]] = {}
    for mention in ctx.mentions:
        if mention.kind != "person":
            continue
        start = bisect_left(ctx.idx, mention.start)
        end = bisect_left(ctx.idx, mention.end)
        for i in (start - 1, start):
            if 0 <= i < len(ctx.lower):
                if ctx.lower[i] in lexicon.courtesy_female:
                    votes.setdefault(mention.group, []).append("F")
                elif ctx.lower[i] in lexicon.courtesy_male:
                    votes.setdefault(mention.group, []).append("M")
        # A gendered title right before the name: "la chanteuse Cindy Santos", "le producteur et musicien
        # suisse David Wehren", "actress Jane Smith".
        for i in range(start - 1, max(start - 5, 0) - 1, -1):
            word = ctx.lower[i]
            if word in lexicon.female_titles or word in lexicon.male_titles:
                votes.setdefault(mention.group, []).append("F" if word in lexicon.female_titles else "M")
                break
            if ctx.pos[i] not in ("ADJ", "NOUN", "CCONJ") or ctx.owner[i] is not None:
                break
        # French agreement: "X s'est rendue", "X est arrivée" (the masculine is also the default).
        for i in range(end, min(end + 3, len(ctx.lower))):
            if ctx.pos[i] == "VERB" and "VerbForm=Part" in ctx.morph(i):
                if "Gender=Fem" in ctx.morph(i) and ctx.lower[end] in ("est", "s'", "a"):
                    votes.setdefault(mention.group, []).append("F")
                break
    # "… recalled Ann Vale. She said …": a sentence opening with "he" or "she" after one whose subject is its one
    # person.
    for k in range(1, len(ctx.lower)):
        gender = lexicon.subjects.get(ctx.lower[k])
        if gender not in ("M", "F") or ctx.sent[k] == ctx.sent[k - 1] or ctx.pos[k] != "PRON" or ctx.quote_of[k] >= 0:
            continue
        before = ctx.sent[k - 1]
        same = []
        for mention, token in _mentions_back(ctx, k):
            if ctx.sent[token] != before:
                break
            if mention.kind == "person" and not _is_description(ctx, mention):
                same.append(mention)
        if len({mention.group for mention in same}) == 1 and _subject_among(ctx, same, before) is not None:
            votes.setdefault(same[0].group, []).append(gender)
    for role in ctx.roles:
        words = set(role.title.casefold().split())
        if words & lexicon.female_titles:
            votes.setdefault(role.group, []).append("F")
        elif words & lexicon.male_titles:
            votes.setdefault(role.group, []).append("M")
    return {group: max(set(v), key=v.count) for group, v in votes.items() if len(set(v)) == 1}
