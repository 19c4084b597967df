"""Attribution: the speaker of a quote from a speech verb before, after or inside it, "selon X", a colon,
or a neighbouring quote."""

from bisect import bisect_left, bisect_right
from dataclasses import replace

from ..lexicon import LEXICONS
from ..types import MentionSpan
from . import pronouns
from .context import (
    _AGENT_PREPOSITIONS,
    _CLITICS,
    _COLON,
    _NEIGHBOUR,
    _PRONOUN,
    _SEAT,
    _SPEAKER_KINDS,
    _SPOKESPERSON,
    _SURNAME,
    _WINDOW_AFTER,
    ADJACENT_QUOTE,
    COLON,
    FRAGMENT_SUBJECT,
    HEADING,
    IMPERSONAL,
    ISSUER,
    NEXT_QUOTE_IN_SENTENCE,
    PASSIVE_AGENT,
    PREVIOUS_QUOTE,
    PRONOUN,
    SEAT,
    SENTENCE_AFTER,
    SENTENCE_BEFORE,
    SURNAME,
    _Attribution,
    _clause_floor,
    _Context,
    _foreign,
    _is_description,
    _is_time,
    _is_title_head,
    _opens_sentence,
    _person_by_surname,
    _Quote,
    _via,
)
from .cues import (
    _according_at,
    _according_ending_at,
    _cue_chain,
    _for_ones_part,
    _introduces,
    _is_auxiliary_of_cue,
    _is_speech_verb,
    _may_lead_cue,
)
from .marks import _qualifies_a_noun
from .titles import (
    _aged,
    _description_speaker,
    _holder_of_title_after,
    _organisation_named_again,
    _seat_speaks,
    _title_subject,
)

_WINDOW_BEFORE = 30  # tokens read back from a quote for a speech verb
_DEMONSTRATIVES = {"celui": "M", "celle": "F"}  # "explique celui qui …": a person the text named before
_SOURCE_OPENERS = frozenset({"comme", "as"})  # "« … », comme l'a dit X": a clause naming the source
_BE = frozenset({"is", "are", "was", "were", "been"})  # "was quoted as saying"
_UNCLOSED_SENTENCES = 3  # a quote never closed running over this many sentences is no utterance with the next


def _attribute(ctx: _Context, quote: _Quote) -> _Attribution | None:
    if ctx.lexicon is None:
        return None
    colon = bisect_left(ctx.idx, quote.open) - 1
    if colon >= 0 and ctx.lower[colon] == ":":
        # "X added: "…"": the colon hands the quote to what stands before it, whatever follows.
        found = _attribution_before(ctx, quote)
        if found is not None and (found.speaker is not None or found.cue or found.evidence == PASSIVE_AGENT):
            # A speech verb before the colon owns the quote even when its subject is unknown ("The Archbishop
            # said: "…""): the name after the quote opens the next sentence and says something else.
            return found
    after = _attribution_after(ctx, quote)
    if after is not None and after.speaker is None and not after.role and _coordinated_after(ctx, quote):
        # 'X said the results were "solid" and added that …': the verb after shares the subject of the clause the
        # quote is in, whose speech verb stands before it.
        before = _attribution_before(ctx, quote)
        if before is not None and before.by_verb and before.speaker is not None:
            return before
    if after is not None:
        return replace(after, after=True)
    return _attribution_before(ctx, quote) or _attribution_inside(ctx, quote) or _cue_ending_sentence(ctx, quote)


def _introduces_next_quote(ctx: _Context, k: int) -> bool:
    """After a cue ending before token k, maybe past its subject, a comma and an opening mark follow."""
    for j in range(k, min(k + 6, len(ctx.lower) - 1)):
        if ctx.is_boundary(j) or ctx.quote_of[j] >= 0:
            return False
        if ctx.lower[j] in (",", ":") and ctx.idx[j + 1] in ctx.opens:
            return True
    return False


def _coordinated_after(ctx: _Context, quote: _Quote) -> bool:
    """A coordinator opens what follows the quote: "« … » et a ajouté", '"…" and added'."""
    first = bisect_right(ctx.idx, quote.close)
    return first < len(ctx.lower) and ctx.lower[first] in ctx.lexicon.coordinators


def _attribution_inside(ctx: _Context, quote: _Quote) -> _Attribution | None:
    """An incise inside the marks, as French typography allows: « Il faut agir, a-t-il dit, et vite », « Le
    texte, selon X, va trop loin »."""
    for i in range(quote.t0 + 1, quote.t1 - 1):
        if ctx.lower[i - 1] != ",":
            continue
        # "selon X" only in a quote its mark closes: words an unclosed one ran on into are the reporter's.
        according = _according_at(ctx, i) if quote.closed else 0
        if according and _incise_closes(ctx, i + according, quote):
            found = _source_speaker(ctx, i + according, ctx.text[ctx.idx[i] : ctx.ends[i + according - 1]], quote)
            if found.speaker is not None:
                return found
            continue
        verb = next((j for j in range(i, min(i + 4, quote.t1)) if _is_speech_verb(ctx, j)), None)
        if verb is None or _cue_chain(ctx, verb)[0] != i and verb != i:
            continue
        if _incise_closes(ctx, verb + 1, quote):
            found = _speaker_of_verb(ctx, verb, quote, window_start=i)
            if found.speaker is not None or found.role:
                return found
    return None


def _incise_closes(ctx: _Context, after: int, quote: _Quote) -> bool:
    """The incise closes with a comma or a sentence end soon after token ``after``, inside the quote."""
    return any(ctx.lower[k] == "," or ctx.is_boundary(k) for k in range(after, min(after + 8, quote.t1)))


def _cue_ending_sentence(ctx: _Context, quote: _Quote) -> _Attribution | None:
    """ "X et Y sont tombés d'accord sur « … » du décret qui crée le fichier …, a déclaré Z.": a speech verb
    opening the last clause of the quote's sentence, past the words read right after the quote, with no other
    quote before it, speaks the sentence and the quote in it."""
    first = bisect_right(ctx.idx, quote.close)
    if not quote.closed or first >= len(ctx.lower) or ctx.text[quote.start : quote.end].rstrip()[-1:] in ".!?…":
        return None  # a quote ending its sentence is not the one a later sentence reports
    k = first
    while k + 1 < len(ctx.lower) and not ctx.is_boundary(k) and ctx.quote_of[k] < 0:
        k += 1
    if not ctx.is_boundary(k):
        return None
    # The last comma a speech verb follows ("…, a déclaré Z, juriste du syndicat."); near the quote, the words
    # after it were read already.
    for comma in range(k - 1, first + _WINDOW_AFTER // 2 - 1, -1):
        if ctx.lower[comma] != ",":
            continue
        verb = next((j for j in range(comma + 1, min(comma + 4, k)) if _is_speech_verb(ctx, j)), None)
        if verb is not None and _cue_chain(ctx, verb)[0] == comma + 1:
            found = _speaker_of_verb(ctx, verb, quote, window_start=comma + 1)
            return found if found.speaker is not None else None
    return None


def _attribution_after(ctx: _Context, quote: _Quote) -> _Attribution | None:
    """« … », a-t-il ajouté / "…," she said / « … » X a déclaré / "…," said X, the chief executive."""
    if not quote.closed:
        return None
    first = bisect_right(ctx.idx, quote.close)
    if first >= len(ctx.idx) or "\n" in ctx.text[quote.close : ctx.idx[first]]:
        return None
    # The quote ended its sentence and a capitalised word follows: a new sentence, which attributes the
    # quote only if it opens with its subject and speech verb ("« … » Mme Martin a déclaré …").
    new_sentence = ctx.text[quote.start : quote.end].rstrip()[-1:] in ".!?…" and ctx.text[ctx.idx[first]].isupper()
    for i in range(first, min(first + _WINDOW_AFTER, len(ctx.idx))):
        if new_sentence and i - first > 5 or new_sentence and not _may_lead_cue(ctx, i):
            return None
        if ctx.idx[i] in ctx.opens or ctx.quote_of[i] >= 0 or ctx.is_boundary(i) or ctx.para[i] != ctx.para[first]:
            return None
        according = _according_at(ctx, i)
        if according:
            # "X a affirmé qu'il « … » …, selon Y": the speaker the verb before the quote names outranks the
            # source after it, which only says where the reporter got it ("Ils ont évoqué « … », selon Y": Y).
            before = _attribution_before(ctx, quote)
            if before is not None and before.by_verb and before.speaker is not None:
                return before
            return _source_speaker(ctx, i + according, ctx.text[ctx.idx[i] : ctx.ends[i + according - 1]], quote)
        if ctx.lower[i] in ctx.lexicon.complementisers and ctx.pos[i] in ("SCONJ", "PRON"):
            return None  # "« … » mais qu'elle soutenait …": a clause of the reporter's sentence, not an incise
        if ctx.pos[i] == "SCONJ" and ctx.lower[i] not in _SOURCE_OPENERS:
            return None  # '"…" by the move because Y had agreed': the verb of another clause, not an incise
        if _is_speech_verb(ctx, i):
            if _introduces(ctx, i):
                return None  # "… », la chanteuse déclare : « … »": the verb is the next quote's
            found = _speaker_of_verb(ctx, i, quote, window_start=first)
            after_cue = _cue_chain(ctx, i)[1]
            if new_sentence and after_cue < len(ctx.pos) and ctx.pos[after_cue] == "NUM":
                return None  # '"…." Jones added 16 points': the verb counts something, it does not speak
            if new_sentence and _introduces_next_quote(ctx, after_cue):
                return None  # '"…." Lee said, "We will see."': the new sentence's verb is the next quote's
            if new_sentence and found.speaker is not None and _reports_a_clause(ctx, after_cue):
                # '"…." Smith said the firm would grow': the sentence reports something else of its own. It may
                # still be the quote's speaker when no one is named as speaking before the quote, not surely.
                if _speaker_given_before(ctx, quote):
                    return None
                return _Attribution(
                    found.speaker,
                    found.cue,
                    found.role,
                    confidence=min(found.confidence, _NEIGHBOUR),
                    evidence=_via(SENTENCE_AFTER, found),
                )
            # A new sentence about someone else ("England confirmed that …") does not attribute it.
            return None if new_sentence and found.speaker is None else found
        quoted = _quoted_as_saying(ctx, i)
        if quoted:
            # '"…," Jane Smith was quoted as saying': the subject before the passive speaks.
            found = _subject_before(ctx, i, first, quote)
            cue = ctx.text[ctx.idx[i] : ctx.ends[i + quoted - 1]]
            if found is None:
                return _Attribution(None, cue)
            return _Attribution(found.speaker, cue, found.role, confidence=found.confidence, evidence=found.evidence)
        if ctx.pos[i] in ("VERB", "AUX") and ctx.finite(i) and not _is_auxiliary_of_cue(ctx, i):
            return None  # a clause of its own starts: its verb says nothing of the quote
    return None


def _quoted_as_saying(ctx: _Context, i: int) -> int:
    """Length of "was quoted as saying" (and "is", "were", "has been" … "telling") starting at token i, else 0."""
    if ctx.lexicon is not LEXICONS["en"]:
        return 0
    k = i
    while k < len(ctx.lower) and k - i < 2 and (ctx.lower[k] in _BE or ctx.lower[k] in ctx.lexicon.auxiliaries):
        k += 1
    if k == i or tuple(ctx.lower[k : k + 2]) != ("quoted", "as") or k + 2 >= len(ctx.lower):
        return 0
    return k + 3 - i if ctx.lower[k + 2] in ctx.lexicon.verbs else 0


def _speaker_given_before(ctx: _Context, quote: _Quote) -> bool:
    """The quote's paragraph gives it a speaker before it: an attributed quote earlier in the paragraph, a
    speech verb introducing it ("Her aide, Tom Hale, said, "…"") or a reporter's sentence right before it whose
    speech verb has a subject ("Smith said …. "…"")."""
    earlier = [q for q in ctx.quotes if q.close <= quote.open and q.speaker is not None]
    if earlier and ctx.para[earlier[-1].t0] == ctx.para[quote.t0]:
        return True
    before = _attribution_before(ctx, quote)
    if before is not None and before.by_verb and before.speaker is not None:
        return True
    return _speaker_of_sentence_before(ctx, quote) is not None


def _reports_a_clause(ctx: _Context, k: int) -> bool:
    """After a speech verb ending at token ``k``, its sentence goes on with a clause of its own (a
    complementiser, or a finite verb before the sentence ends): the verb reports that clause ("Smith said
    the firm would grow", "Acme stressed that …"), not a quote before it ("« … » Mme Martin a déclaré lundi.")."""
    for j in range(k, min(k + 25, len(ctx.lower))):
        if ctx.is_boundary(j) or ctx.quote_of[j] >= 0 or ctx.idx[j] in ctx.opens:
            return False
        if ctx.lower[j] in ctx.lexicon.complementisers and ctx.pos[j] in ("SCONJ", "PRON"):
            return True
        if ctx.pos[j] in ("VERB", "AUX") and ctx.finite(j):
            return True
    return False


def _attribution_before(ctx: _Context, quote: _Quote) -> _Attribution | None:
    """X a déclaré : « … » / X said: "…" / selon X, « … » / Pour X, « … »."""
    i = bisect_left(ctx.idx, quote.open) - 1
    floor = _clause_floor(ctx, i)
    after_colon = i >= 0 and ctx.lower[i] == ":"
    main = None
    steps = 0
    while i >= floor and steps < _WINDOW_BEFORE:
        if ctx.quote_of[i] >= 0:
            # Over a quote of the same sentence, marks and all: "X a dit « A » puis « B »".
            i = bisect_left(ctx.idx, ctx.quotes[ctx.quote_of[i]].open) - 1
            continue
        steps += 1
        if _is_speech_verb(ctx, i) or _narrative_infinitive(ctx, i):
            return _speaker_of_verb(ctx, i, quote, window_start=floor)
        if after_colon and _main_verb_before_colon(ctx, i):
            # "Interrogé sur ce qu'il avait dit, X est resté sur la même ligne : « … »": the verb of the colon's
            # clause, whose subject is the one before it, not a pronoun of an earlier clause.
            main = i
            break
        according = _according_ending_at(ctx, i)
        if according:
            start = i - according + 1
            return _source_speaker(ctx, i + 1, ctx.text[ctx.idx[start] : ctx.ends[i]], quote)
        if ctx.lower[i] == "pour" and i == floor and ctx.lexicon is LEXICONS["fr"]:
            found = _pour_speaker(ctx, i, quote)
            if found is not None:
                return found
        i -= 1
    # "X a été plus direct : « … »", "X was blunt: "…"": a colon hands the word to the sentence's subject.
    colon = bisect_left(ctx.idx, quote.open) - 1
    if colon > floor and ctx.lower[colon] == ":":
        caption = _caption_speaker(ctx, floor, colon)
        if caption is not None:
            return _Attribution(caption.group, "", by_verb=False, confidence=_COLON, evidence=COLON)
        reaction = _speech_noun_speaker(ctx, floor, colon, quote)
        if reaction is not None:
            return reaction
        if ctx.lower[floor] == "pour" and ctx.lexicon is LEXICONS["fr"]:
            # "Pour X, la situation est simple : « … »": the sentence gives X's view, the quote X's words.
            found = _pour_speaker(ctx, floor, quote)
            if found is not None:
                return found
        # The main clause only: "X, qui a été élu en 2002, était clair : « … »" is X's.
        first_comma = next((k for k in range(floor, colon) if ctx.lower[k] == ","), colon)
        passive = next((k for k in range(floor, first_comma) if _passive_verb(ctx, k)), None)
        if passive is not None:
            # "X a été renvoyé dans les cordes par sa collègue, Y : « … »": the subject undergoes, never speaks.
            return _Attribution(_passive_agent(ctx, passive, quote), "", by_verb=False, evidence=PASSIVE_AGENT)
        if main is not None and ctx.lower[main - 1] not in (",", ":"):
            found = _subject_before(ctx, main, floor, quote)
            coordinator = main - 1
            while coordinator > floor and ctx.pos[coordinator] == "ADV" and ctx.owner[coordinator] is None:
                coordinator -= 1
            if found is None and coordinator > floor and ctx.lower[coordinator] in ctx.lexicon.coordinators:
                # "X en est conscient et a donc pris des mesures : « … »": the verb shares its sentence's subject.
                found = _sentence_subject(ctx, floor, coordinator, quote)
        else:
            found = _sentence_subject(ctx, floor, colon, quote)
        if found is not None and found.speaker is not None:
            return _after_colon(found)
    return None


def _after_colon(found: _Attribution) -> _Attribution:
    """The speaker a colon hands the quote to, as sure as the way it was found and never surer than a colon."""
    return _Attribution(found.speaker, "", found.role, by_verb=False, confidence=min(found.confidence, _COLON),
                        evidence=_via(COLON, found))


def _speech_noun_speaker(ctx: _Context, floor: int, colon: int, quote: _Quote) -> _Attribution | None:
    """ "Réaction de X : « … »", "Réponse lapidaire, mercredi, du ministre : « … »", "Response from Acme: "…"": a
    sentence that is a speech noun and who it is from, nothing else, hands the quote to them."""
    if ctx.lower[floor] not in ctx.lexicon.speech_nouns or ctx.pos[floor] != "NOUN":
        return None
    k = floor + 1
    while k < colon and ctx.owner[k] is None and ctx.lower[k] not in ctx.lexicon.title_prepositions | {"from"}:
        if ctx.pos[k] not in ("ADJ", "ADV", "PUNCT", "DET") and not _is_time(ctx, k) or ctx.quote_of[k] >= 0:
            return None  # more than a qualified speech noun: "Réaction chez les salariés de X", "La réponse est …"
        k += 1
    if k >= colon or ctx.owner[k] is not None:
        return None
    j = k + 1
    while j < colon and ctx.lower[j] in ctx.lexicon.determiners:
        j += 1
    if j >= colon or any(ctx.pos[m] in ("VERB", "AUX") for m in range(j, colon)):
        return None
    owner = ctx.owner[j]
    if owner is not None and owner.kind in _SPEAKER_KINDS and not _is_description(ctx, owner):
        if bisect_left(ctx.idx, owner.end) < colon and ctx.lower[bisect_left(ctx.idx, owner.end)] != ",":
            return None  # the name qualifies something else before the colon
        return _Attribution(owner.group, "", by_verb=False, confidence=_COLON, evidence=COLON)
    if _is_title_head(ctx, j) or j + 1 < colon and _is_title_head(ctx, j + 1):
        found = _title_subject(ctx, j if _is_title_head(ctx, j) else j + 1, None, quote)
        if found is not None and found.speaker is not None:
            return _after_colon(found)
    return None


def _caption_speaker(ctx: _Context, floor: int, colon: int) -> MentionSpan | None:
    """A broadcast's caption before a colon, "Jane Smith/Acme's Attorney: "…"": the person before the slash,
    whatever the sentence around the caption says (a transcript runs captions into the text before them)."""
    for k in range(colon - 1, max(floor, colon - 8), -1):
        if ctx.lower[k] == "/":
            person = ctx.owner[k - 1]
            if person is not None and person.kind == "person" and ctx.quote_of[k - 1] < 0:
                return person
            return None
        if not (ctx.text[ctx.idx[k]].isupper() or ctx.lower[k] in ("'s", "'", "-")):
            return None
    return None


def _main_verb_before_colon(ctx: _Context, i: int) -> bool:
    """A finite verb that is no speech verb's auxiliary, in a clause no subordinator opens: the verb of the
    clause the colon ends, so a speech verb further back belongs to another clause."""
    if ctx.pos[i] not in ("VERB", "AUX") or not ctx.finite(i) or _is_auxiliary_of_cue(ctx, i):
        return False
    floor = _clause_floor(ctx, i)
    k = i - 1
    while k >= floor and ctx.lower[k] != ",":
        if ctx.pos[k] == "SCONJ" or ctx.lower[k] in ctx.lexicon.complementisers | ctx.lexicon.relatives:
            return False
        k -= 1
    return True


def _speaker_of_verb(ctx: _Context, verb: int, quote: _Quote, window_start: int) -> _Attribution:
    start, end, inverted = _cue_chain(ctx, verb)
    cue = ctx.text[ctx.idx[start] : ctx.ends[end - 1]]
    if _narrative_infinitive(ctx, verb):
        # "« … », a-t-il dit. Et d'ajouter : « … »": the one who spoke last goes on.
        earlier = [q for q in ctx.quotes if q.close < quote.open and q.speaker is not None]
        if earlier and ctx.para[quote.t0] - ctx.para[earlier[-1].t0] <= 1:
            return _Attribution(
                earlier[-1].speaker,
                ctx.text[ctx.idx[verb - 2] : ctx.ends[verb]],
                earlier[-1].role,
                confidence=min(earlier[-1].confidence, _PRONOUN),
                evidence=_via(PREVIOUS_QUOTE, earlier[-1]),
            )
        return _Attribution(None, cue)
    if any(_passive_marker(ctx, k) for k in range(max(0, verb - 3), verb)):
        # "X a été accusé de « … » par Y", "X was accused by Y of …": the subject undergoes; the agent speaks.
        return _Attribution(_passive_agent(ctx, end, quote), cue, evidence=PASSIVE_AGENT)
    if inverted is not None and ctx.lexicon is LEXICONS["fr"]:
        if "-on" in ctx.lower[start:end]:
            return _impersonal_speaker(ctx, end, quote, cue)
        return _Attribution(
            pronouns._resolve_pronoun(ctx, inverted, min(quote.open, ctx.idx[start])),
            cue,
            confidence=_PRONOUN,
            evidence=PRONOUN,
        )
    before = _subject_before(ctx, start, window_start, quote)
    if before is None and ctx.lower[verb].endswith(("ing", "ant")):
        before = _absolute_subject(ctx, start, quote)
    if before is None and start > 0 and ctx.lower[verb].endswith(("ing", "ant")):
        # "…, saying that …", "…, ajoutant que …": the participle shares the subject of its sentence, or the
        # speaker of the cue it follows ("« … », a-t-il souligné, estimant que « … »").
        floor = _clause_floor(ctx, start - 1)
        before = _sentence_subject(ctx, floor, start, quote)
        previous = next(
            (
                k
                for k in range(start - 1, max(floor, start - 8) - 1, -1)
                if ctx.quote_of[k] < 0 and _is_speech_verb(ctx, k) and not ctx.lower[k].endswith(("ing", "ant"))
            ),
            None,
        )
        if before is None and previous is not None:
            earlier = _speaker_of_verb(ctx, previous, quote, window_start)
            before = earlier if earlier.speaker is not None else None
    if before is None and start == verb:
        # "X a, de son côté, critiqué …": the subject stands before an auxiliary a few words back.
        aux = next(
            (
                k
                for k in range(verb - 1, max(window_start, verb - 6) - 1, -1)
                if ctx.lower[k] in ctx.lexicon.auxiliaries and ctx.pos[k] in ("AUX", "VERB")
            ),
            None,
        )
        if aux is not None and not any(ctx.is_boundary(k) or ctx.quote_of[k] >= 0 for k in range(aux, verb)):
            before = _subject_before(ctx, aux, window_start, quote)
    if before is None:
        # "X a mis la pression …, et a exhorté …", "X said … and promised …": the verb shares the subject of
        # the clause it is coordinated with.
        k = start - 1
        while k >= window_start and (ctx.lower[k] == "," or ctx.pos[k] == "ADV" and ctx.owner[k] is None):
            k -= 1
        if k > window_start and ctx.lower[k] in ctx.lexicon.coordinators and ctx.quote_of[k] < 0:
            before = _sentence_subject(ctx, _first_clause_start(ctx, k), k, quote)
    if before is not None:
        return _Attribution(before.speaker, cue, before.role, confidence=before.confidence, evidence=before.evidence)
    if ctx.lexicon is LEXICONS["en"] and ctx.lower[verb] in ctx.lexicon.tell_verbs:
        return _Attribution(None, cue)  # "told BBC Radio 4's Today": the listener, never the speaker
    if ctx.lower[verb].endswith(("ing", "ant")):
        return _Attribution(None, cue)  # "en accusant le président": a participle's object, not its subject
    after = _subject_after(ctx, end, quote)
    if after is not None:
        return _Attribution(after.speaker, cue, after.role, confidence=after.confidence, evidence=after.evidence)
    return _Attribution(None, cue)


def _narrative_infinitive(ctx: _Context, verb: int) -> bool:
    """ "Et d'ajouter", "Et de conclure" opening a French sentence: the infinitive tells what the last speaker
    did next."""
    return (
        ctx.lexicon is LEXICONS["fr"]
        and verb >= 2
        and ctx.lower[verb - 1] in ("d'", "de")
        and ctx.lower[verb - 2] == "et"
        and _clause_floor(ctx, verb - 2) == verb - 2
        and "VerbForm=Inf" in ctx.morph(verb)
        # The infinitive of a speech verb: its participle is in the list ("ajouter": "ajouté", "conclure": "conclu").
        and any(
            form in ctx.lexicon.verbs
            for form in (ctx.lower[verb][:-2] + "é", ctx.lower[verb][:-2], ctx.lower[verb][:-1])
        )
    )


def _first_clause_start(ctx: _Context, coordinator: int) -> int:
    """Where the clause a coordinated verb shares its subject with starts: its sentence, or the last subordinate
    clause opened before the coordinator ("X told them that when she arrived she smiled and asked: "…"" is hers,
    not X's). A comma before the coordinator goes back to the main clause ("X a mis la pression pour qu'elles
    respectent …, et a exhorté …" is X's)."""
    floor = _clause_floor(ctx, coordinator - 1)
    if ctx.lower[coordinator - 1] == ",":
        return floor
    opener = next(
        (
            j
            for j in range(coordinator - 1, floor - 1, -1)
            if ctx.quote_of[j] < 0
            and (ctx.pos[j] == "SCONJ" or ctx.lower[j] in ctx.lexicon.complementisers)
            and not _is_time(ctx, j)  # "X, who has led Acme since 2001, said … and added": a date, not a clause
        ),
        None,
    )
    return floor if opener is None else opener + 1


def _passive_marker(ctx: _Context, k: int) -> bool:
    """ "été", "been" as a verb of the reporter's sentence (not "l'été" or a word inside a quote)."""
    return ctx.lower[k] in ctx.lexicon.passive_markers and ctx.pos[k] in ("AUX", "VERB") and ctx.quote_of[k] < 0


def _passive_verb(ctx: _Context, k: int) -> bool:
    """ "été", "been" followed, after adverbs, by a participle: "a été ironiquement renvoyé", "was sent back"
    (not "a été plus direct", a copula)."""
    if not _passive_marker(ctx, k):
        return False
    j = k + 1
    while j < len(ctx.lower) and ctx.pos[j] == "ADV" and ctx.owner[j] is None:
        j += 1
    return j < len(ctx.lower) and ctx.pos[j] == "VERB" and "VerbForm=Part" in ctx.morph(j)


def _passive_agent(ctx: _Context, k: int, quote: _Quote) -> int | None:
    """The person or organisation after "par" or "by" in the rest of a passive speech verb's clause."""
    for j in range(k, min(k + 25, len(ctx.lower) - 1)):
        if ctx.is_boundary(j) or _foreign(ctx, j, quote):
            return None
        owner = ctx.owner[j + 1]
        if ctx.lower[j] in ("par", "by") and ctx.quote_of[j] < 0 and owner is not None:
            return owner.group if owner.kind in _SPEAKER_KINDS else None
    return None


def _impersonal_speaker(ctx: _Context, end: int, quote: _Quote, cue: str) -> _Attribution:
    """ "« … », dit-on à la mairie", "a-t-on assuré": the unnamed people of an institution. The institution
    named right after the cue ("à l'Élysée", "au ministère X", "dans l'entourage de X" is no one), else that
    of the quote before, when an organisation or a seat of government spoke it in the same or the previous
    paragraph; else no one."""
    k = end
    while k < len(ctx.lower) and (ctx.pos[k] == "ADV" or _is_time(ctx, k)) and ctx.owner[k] is None:
        k += 1
    if k + 1 < len(ctx.lower) and ctx.lower[k] in ctx.lexicon.listener_prepositions:
        j = k + 2 if ctx.lower[k + 1] in ctx.lexicon.determiners else k + 1
        mention = ctx.owner[j] if j < len(ctx.lower) else None
        if mention is not None and mention.kind in ("organisation", "place") and not _foreign(ctx, j, quote):
            return _Attribution(mention.group, cue, confidence=_SEAT, evidence=IMPERSONAL)
    before = [q for q in ctx.quotes if q.close < quote.open and q.speaker is not None]
    if before and ctx.para[quote.t0] - ctx.para[before[-1].t0] <= 1:
        speaker = before[-1].speaker
        if ctx.groups[speaker].kind in ("organisation", "place"):
            return _Attribution(speaker, cue, confidence=_NEIGHBOUR, evidence=_via(IMPERSONAL, before[-1]))
    return _Attribution(None, cue)


def _absolute_subject(ctx: _Context, start: int, quote: _Quote) -> _Attribution | None:
    """ "…, with Jane Smith claiming …": the name after "with" is the participle's own subject, not the
    sentence's."""
    k = start - 1
    mention = ctx.owner[k] if k >= 0 else None
    if mention is None or mention.kind not in _SPEAKER_KINDS or _foreign(ctx, k, quote):
        return None
    first = bisect_left(ctx.idx, mention.start)
    if first == 0 or ctx.lower[first - 1] not in ctx.lexicon.absolute_prepositions:
        return None
    return _Attribution(mention.group, "")


def _sentence_subject(ctx: _Context, floor: int, stop: int, quote: _Quote) -> _Attribution | None:
    """The subject of the sentence starting at token ``floor``: what it names before its first verb."""
    if floor < stop and ctx.pos[floor] in ("ADP", "VERB"):
        # "Speaking to BBC Radio 4's Today programme, the MP …", "Interrogée par France Inter, la députée …":
        # the opening phrase names the outlet or the place, never the subject.
        comma = next((k for k in range(floor, stop) if ctx.lower[k] == ","), None)
        if comma is None:
            return None
        floor = comma + 1
    for k in range(floor, stop):
        if _foreign(ctx, k, quote) or ctx.pos[k] in ("VERB", "AUX") and ctx.finite(k):
            return None
        if k > floor and ctx.pos[k - 1] == "ADP" and ctx.owner[k] is not None:
            return None  # "à Paris", "with the BBC": a complement, not the subject
        if pronouns._latter(ctx, k) is not None:
            return pronouns._latter(ctx, k)
        if _is_title_head(ctx, k):
            if _agent_or_complement(ctx, k, floor):
                return None  # "Une version contestée par le trader": the agent of a participle, not the subject
            return _title_subject(ctx, k, None, quote)
        owner = ctx.owner[k]
        if owner is not None and owner.kind == "person":
            return _description_speaker(ctx, owner) if _is_description(ctx, owner) else _Attribution(owner.group, "")
        if owner is not None and owner.kind == "organisation":
            # "Home Office minister Hazel Blears": the organisation qualifies the person's title.
            # "Acme president and chief executive Jane Smith": titles joined by a coordinator qualify her too.
            after = bisect_left(ctx.idx, owner.end)
            person = next((ctx.owner[j] for j in range(after, min(after + 6, stop)) if ctx.owner[j] is not None), None)
            if (
                person is not None
                and person.kind == "person"
                and all(
                    ctx.pos[j] in ("NOUN", "PROPN", "ADJ")
                    or ctx.lower[j] in ctx.lexicon.coordinators
                    and ctx.pos[j - 1] == "NOUN"
                    and ctx.pos[j + 1] != "DET"
                    for j in range(after, bisect_left(ctx.idx, person.start))
                )
            ):
                return _Attribution(person.group, "")
            return _Attribution(owner.group, "")
        if ctx.lower[k] in ctx.lexicon.subjects and ctx.pos[k] == "PRON":
            return _Attribution(
                pronouns._resolve_pronoun(ctx, ctx.lexicon.subjects[ctx.lower[k]], ctx.idx[k]),
                "",
                confidence=_PRONOUN,
                evidence=PRONOUN,
            )
    return None


def _subject_before(ctx: _Context, cue_start: int, floor: int, quote: _Quote) -> _Attribution | None:
    """The subject written right before the speech verb: a name, a pronoun, a title, an organisation."""
    i = cue_start - 1
    skipped = 0
    # Between a subject and its verb: "X, lundi, a déclaré", "X, qui a rencontré Y, a déclaré".
    while i >= floor and skipped < 6:
        if _foreign(ctx, i, quote) or ctx.is_boundary(i):
            return None
        if ctx.lower[i] == ",":
            relative = _relative_start(ctx, i - 1, floor)
            if relative is None:
                relative = _apposition_start(ctx, i - 1, floor)
            i = relative - 1 if relative is not None else i - 1
        elif ctx.owner[i] is None and (ctx.pos[i] == "ADV" or _is_time(ctx, i) or ctx.lower[i] in _CLITICS):
            i -= 1
        elif ctx.lower[i] == ")":
            # "The British Chambers of Commerce (BCC) said": the short name in brackets is the same subject.
            opening = next((j for j in range(i - 1, max(floor, i - 6) - 1, -1) if ctx.lower[j] == "("), None)
            if opening is None:
                break
            i = opening - 1
        else:
            break
        skipped += 1
    if i < floor or _foreign(ctx, i, quote) or ctx.is_boundary(i):
        return None
    if ctx.lower[i] in ("qui", "who") and ctx.pos[i] == "PRON" and i > floor:
        # "le Parti socialiste qui l'a qualifiée de « … »": the relative pronoun stands for the noun before it,
        # whatever that noun does in the sentence ("a été critiquée par le Parti socialiste qui …").
        j = i - 1 if ctx.lower[i - 1] != "," else i - 2
        if j < floor or _foreign(ctx, j, quote):
            return None
        head = _noun_phrase_head(ctx, j, floor)
        return None if _coordinated_subject(ctx, head, floor) else _subject_at(ctx, head, cue_start, quote)
    head = _noun_phrase_head(ctx, i, floor)
    if _agent_or_complement(ctx, head, floor):
        return None  # "X reçus par le président Y ont jugé": Y is not who judged
    if _coordinated_subject(ctx, head, floor):
        return None  # "William and Harry said": two speakers, no one group said it
    return _subject_at(ctx, head, cue_start, quote)


def _coordinated_subject(ctx: _Context, head: int, floor: int) -> bool:
    """ "William and Harry said": the subject is one of two. Not when a clause comes before the coordinator
    ("Milan beat Juventus at Old Trafford and Ancelotti said": two clauses, one subject each)."""
    mention = ctx.owner[head]
    k = (bisect_left(ctx.idx, mention.start) if mention is not None else head) - 1
    while k >= floor and (ctx.lower[k] in ctx.lexicon.determiners or ctx.lower[k] in ctx.lexicon.titles):
        k -= 1
    if k < floor or ctx.lower[k] not in ctx.lexicon.coordinators:
        return False
    return not any(ctx.quote_of[j] < 0 and ctx.pos[j] in ("VERB", "AUX") and ctx.finite(j) for j in range(floor, k))


def _agent_or_complement(ctx: _Context, head: int, floor: int) -> bool:
    """The noun phrase at ``head`` follows "par", "by", "avec", "with", "à", "to": it is no subject."""
    k = head - 1
    while k >= floor and head - k <= 6:
        word = ctx.lower[k]
        if word in _AGENT_PREPOSITIONS:
            return True
        if not (
            word in ctx.lexicon.determiners
            or word in ctx.lexicon.titles
            or word in ctx.lexicon.title_modifiers
            or word in ctx.lexicon.courtesy_female
            or word in ctx.lexicon.courtesy_male
            or word in ctx.lexicon.organisations  # "avec l'équipe X"
            or ctx.pos[k] in ("ADJ", "PROPN")
        ):
            return False
        k -= 1
    return False


def _noun_phrase_head(ctx: _Context, i: int, floor: int) -> int:
    """Head of the noun phrase ending at token i: complements and French adjectives are skipped
    ("le chef de la diplomatie française" → "chef", "the head of the IMF" → "head")."""
    lexicon = ctx.lexicon
    while i > floor:
        if (
            i - 3 >= floor
            and ctx.lower[i] == "ans"
            and ctx.pos[i - 1] == "NUM"
            and ctx.lower[i - 2] in lexicon.title_prepositions
        ):
            i -= 3  # "le jeune trader de 31 ans": an age, the head is before it
            continue
        mention = ctx.owner[i]
        start = bisect_left(ctx.idx, mention.start) if mention is not None else i
        j = start - 1
        if (
            j >= floor
            and ctx.lower[j] in lexicon.determiners
            and j - 1 >= floor
            and ctx.lower[j - 1] in lexicon.title_prepositions
        ):
            j -= 1  # "de la", "of the"
        if (
            j > floor
            and ctx.lower[j] in lexicon.title_prepositions
            and ctx.owner[j] is None
            and (ctx.pos[start] in ("NOUN", "PROPN") or mention is not None)
        ):
            i = j - 1  # a complement: the head is before it
            continue
        if (
            mention is None
            and ctx.pos[i] == "ADJ"
            and lexicon is LEXICONS["fr"]
            and ctx.pos[i - 1] in ("NOUN", "PROPN", "ADJ")
        ):
            i -= 1  # French adjectives follow their noun
            continue
        return start
    return i


def _subject_at(ctx: _Context, i: int, cue_start: int, quote: _Quote) -> _Attribution | None:
    lexicon = ctx.lexicon
    if i > 0 and pronouns._latter(ctx, i - 1) is not None:
        return pronouns._latter(ctx, i - 1)  # "Ce dernier a déclaré"
    mention = ctx.owner[i]
    if mention is not None:
        if mention.kind == "other" and ctx.pos[i] == "PROPN":
            # The model ran a name into the words after it ("Henry told CRN"): the person it ends with.
            person = _person_by_surname(ctx, i)
            return _Attribution(person, "", confidence=_SURNAME, evidence=SURNAME) if person is not None else None
        if _is_description(ctx, mention):
            return _description_speaker(ctx, mention)
        if mention.kind == "place" and _seat_speaks(ctx, mention):
            return _Attribution(mention.group, "", confidence=_SEAT, evidence=SEAT)
        if mention.kind not in _SPEAKER_KINDS:
            return None  # "en France, a déclaré", "in Paris, he said": a place is not a speaker
        title = bisect_left(ctx.idx, mention.start) - 1
        if (
            mention.kind == "organisation"
            and title >= 0
            and _is_title_head(ctx, title)
            and ctx.lower[title] not in ctx.lexicon.spokespeople
        ):
            return _title_subject(ctx, title, None, quote)  # "le maire PS": the mayor, not the party
        return _Attribution(mention.group, "")
    word = ctx.lower[i]
    if word in lexicon.subjects and ctx.pos[i] == "PRON":
        return _Attribution(
            pronouns._resolve_pronoun(ctx, lexicon.subjects[word], ctx.idx[i]),
            "",
            confidence=_PRONOUN,
            evidence=PRONOUN,
        )
    if word in lexicon.determiners or word in lexicon.indefinites:
        aged = _aged(ctx, i)  # "the 55-year-old said" (the age itself read as a date and skipped)
        if aged is not None:
            return aged
    if ctx.pos[i] == "PROPN" or ctx.pos[i] == "NOUN" and ctx.text[ctx.idx[i]].isupper():
        # The tagger may read a surname as a plural noun ("Hanks said"): the one person of that surname.
        person = _person_by_surname(ctx, i)
        if person is not None:
            return _Attribution(person, "", confidence=_SURNAME, evidence=SURNAME)
    if _is_title_head(ctx, i):
        return _title_subject(ctx, i, cue_start, quote)
    if word in lexicon.organisations and ctx.pos[i] in ("NOUN", "PROPN"):
        return _organisation_named_again(ctx, i)
    if word in lexicon.statements and ctx.pos[i] == "NOUN":
        return _issuer(ctx, i)
    return None


def _issuer(ctx: _Context, head: int) -> _Attribution | None:
    """The organisation that issued the statement at token ``head``: named in its noun phrase ("the Acme
    statement", "Acme's statement") or right after it ("le communiqué de X", "the statement of X")."""
    k = head - 1 if head and ctx.lower[head - 1] not in ("'s", "'") else head - 2
    before = ctx.owner[k] if k >= 0 and ctx.quote_of[k] < 0 else None
    after = None
    j = head + 1
    if j < len(ctx.lower) and ctx.lower[j] in ctx.lexicon.title_prepositions:
        j += 1 + (j + 1 < len(ctx.lower) and ctx.lower[j + 1] in ctx.lexicon.determiners)
        after = ctx.owner[j] if j < len(ctx.lower) and ctx.quote_of[j] < 0 else None
    for mention in (before, after):
        if mention is not None and mention.kind == "organisation":
            return _Attribution(mention.group, "", confidence=_SPOKESPERSON, evidence=ISSUER)
    return None


def _subject_after(ctx: _Context, i: int, quote: _Quote) -> _Attribution | None:
    """An inverted subject: "a déclaré le chef de la diplomatie", "said Jane Smith", "said he"."""
    lexicon = ctx.lexicon
    n = len(ctx.lower)
    # Dates and adverbs may come first: "a déclaré lundi le ministre", and in French between commas: "pointait,
    # d'ailleurs, hier soir, X".
    while i < n and ctx.owner[i] is None:
        if ctx.pos[i] == "ADV" or _is_time(ctx, i) or _set_off(ctx, i):
            i += 1
        elif _for_ones_part(ctx, i):
            i += 3  # "juge pour sa part X", "a déclaré de son côté X"
        else:
            break
    if i >= n or _foreign(ctx, i, quote) or ctx.is_boundary(i):
        return None
    if pronouns._latter(ctx, i) is not None:
        return pronouns._latter(ctx, i)  # "a déclaré ce dernier"
    if lexicon is LEXICONS["fr"] and i + 1 < n and ctx.lower[i] in _DEMONSTRATIVES and ctx.lower[i + 1] == "qui":
        # "« … », explique celui qui dirige la mairie": the person the text was about, as a pronoun would be.
        return _Attribution(
            pronouns._resolve_pronoun(ctx, _DEMONSTRATIVES[ctx.lower[i]], quote.open),
            "",
            confidence=_PRONOUN,
            evidence=PRONOUN,
        )
    i = _past_medium(ctx, i, quote)
    # A name, maybe after a courtesy or an English title: "estime M. Dupont", "said Foreign Secretary X".
    for j in range(i, min(i + 5, n)):
        mention = ctx.owner[j]
        if mention is not None:
            if _opens_clause(ctx, bisect_left(ctx.idx, mention.end)):
                return None  # "insisted Mr X was speaking about adults": the subject of what was said
            if _addressed(ctx, bisect_left(ctx.idx, mention.end)):
                return None  # "a appelé la France à agir", "urged Acme to act": the one addressed, not the speaker
            if _is_description(ctx, mention):
                return _description_speaker(ctx, mention)
            if mention.kind == "place" and j <= i + 1 and _seat_speaks(ctx, mention):
                # "a déclaré l'Élysée dans un communiqué"
                return _Attribution(mention.group, "", confidence=_SEAT, evidence=SEAT)
            if mention.kind not in _SPEAKER_KINDS:
                return None
            named = _name_after_abbreviation(ctx, mention)
            if named is not None:
                return _Attribution(named.group, "")
            return _holder_of_title_after(ctx, mention, quote) or _Attribution(mention.group, "")
        word = ctx.lower[j]
        if j == i and _untagged_surname(ctx, j):
            # "… law" said Salazar.": a surname the entity model missed, the one person of the article of that name.
            person = _person_by_surname(ctx, j)
            if person is not None:
                return _Attribution(person, "", confidence=_SURNAME, evidence=SURNAME)
        if not (
            word in lexicon.courtesy_female
            or word in lexicon.courtesy_male
            or (lexicon is LEXICONS["en"] and ctx.text[ctx.idx[j]].isupper() and ctx.pos[j] in ("PROPN", "NOUN"))
            or (j == i and word in lexicon.determiners)  # "a indiqué le ministère de la Santé"
            or (lexicon is LEXICONS["en"] and (word in lexicon.titles or word in lexicon.title_modifiers))
        ):
            break
    word = ctx.lower[i]
    if word in lexicon.complementisers and ctx.pos[i] == "SCONJ":
        return None  # "added that the company …": the reported clause opens, its subject is not the speaker
    # "said he." inverts the subject; in "argued it was" the pronoun opens the reported clause.
    if lexicon is LEXICONS["en"] and word in ("he", "she") and (i + 1 >= n or ctx.pos[i + 1] == "PUNCT"):
        return _Attribution(
            pronouns._resolve_pronoun(ctx, lexicon.subjects[word], quote.open),
            "",
            confidence=_PRONOUN,
            evidence=PRONOUN,
        )
    if word in lexicon.determiners or word in lexicon.indefinites:
        j = i + 1
        while j < min(i + 8, n) and not ctx.is_boundary(j) and not _foreign(ctx, j, quote):
            owner = ctx.owner[j]
            if owner is not None:
                if owner.kind == "person":
                    # "said the company's senior analyst Jane Smith": the noun phrase names the person after it.
                    return _Attribution(owner.group, "") if j > i + 1 and ctx.owner[j - 1] is None else None
                j = bisect_left(ctx.idx, owner.end)  # "the two-time Academy Award winner": a name qualifying it
                continue
            if _is_title_head(ctx, j):
                return _title_subject(ctx, j, None, quote)
            if j + 1 < n and ctx.lower[j + 1] in ("'s", "'"):
                j += 2  # "the company's chief": the organisation only qualifies what follows
                continue
            if ctx.lower[j] in lexicon.organisations and ctx.pos[j] in ("NOUN", "PROPN"):
                return _organisation_named_again(ctx, j)
            if ctx.lower[j] in lexicon.statements and ctx.pos[j] == "NOUN":
                return _issuer(ctx, j)  # "souligne un communiqué de X", "said the Acme statement"
            if ctx.pos[j] not in ("DET", "ADJ", "NOUN", "PROPN", "PART", "NUM") and ctx.lower[j] != "-":
                break
            j += 1
        aged = _aged(ctx, i)
        if aged is not None:
            return aged
    return None


def _set_off(ctx: _Context, k: int) -> bool:
    """In French, a comma or the "d'" of "d'ailleurs" before an inverted subject: what they set off is skipped
    with the adverbs and dates around it."""
    if ctx.lexicon is not LEXICONS["fr"]:
        return False
    if ctx.lower[k] == ",":
        return True
    return ctx.lower[k] == "d'" and k + 1 < len(ctx.lower) and ctx.pos[k + 1] == "ADV"


def _untagged_surname(ctx: _Context, k: int) -> bool:
    """A capitalised proper noun the entity model did not tag, alone before the end of its clause."""
    return (
        ctx.owner[k] is None
        and ctx.pos[k] == "PROPN"
        and ctx.text[ctx.idx[k]].isupper()
        and (k + 1 >= len(ctx.lower) or ctx.pos[k + 1] == "PUNCT" and ctx.lower[k + 1] not in ("'s", "'"))
    )


def _addressed(ctx: _Context, k: int) -> bool:
    """An infinitive after a preposition at token ``k``, maybe past a negation or an adverb: the noun phrase
    before it is the object of a speech verb that asks or blames ("à agir", "de mentir", "to act")."""
    if k >= len(ctx.lower) or ctx.lower[k] not in ctx.lexicon.infinitive_markers:
        return False
    k += 1
    while k < len(ctx.lower) and ctx.owner[k] is None and (ctx.pos[k] in ("ADV", "PART") or ctx.lower[k] in _CLITICS):
        k += 1
    return k < len(ctx.lower) and ctx.pos[k] in ("VERB", "AUX") and "VerbForm=Inf" in ctx.morph(k)


def _past_medium(ctx: _Context, i: int, quote: _Quote) -> int:
    """After an inverted speech verb, the medium or place comes before the subject in French ("a dit mercredi
    sur une radio Jean Dupont, le président du syndicat"): the token after that short phrase when a person
    follows it, or a second noun phrase does ("a déclaré à la presse son porte-parole, Jean Dupont"), else ``i``.
    The phrase names no person ("a dit à Jean Dupont le ministre" is not read) and the listener of an English
    "told" is never skipped over."""
    lexicon = ctx.lexicon
    if lexicon is not LEXICONS["fr"] or ctx.pos[i] != "ADP":
        return i
    if ctx.lower[i] in lexicon.agent_prepositions and ctx.lower[i] not in lexicon.listener_prepositions:
        return i  # "a été dit par X": the agent is the speaker, nothing to skip
    j = i + 1
    while j < min(i + 6, len(ctx.lower)) and not ctx.is_boundary(j) and not _foreign(ctx, j, quote):
        owner = ctx.owner[j]
        if owner is not None and owner.kind == "person":
            return j if j > i + 1 and (ctx.owner[j - 1] is not owner) else i
        if (
            owner is None
            and ctx.lower[j] in lexicon.determiners
            and (j > i + 2 and ctx.pos[j - 1] == "NOUN" or j > i + 1 and ctx.owner[j - 1] is not None)
        ):
            # A determiner after the medium's noun or name opens the subject's noun phrase ("a déclaré à l'AFP
            # l'avocate du prévenu, X").
            return j
        if owner is None and ctx.pos[j] not in ("DET", "NOUN", "PROPN", "ADJ") or ctx.lower[j] == ",":
            return i
        j += 1
    return i


def _name_after_abbreviation(ctx: _Context, mention: MentionSpan) -> MentionSpan | None:
    """ "said Police Sgt. Jane Smith": the entity model took the title, up to its abbreviated last word, for a
    name; the person is the one named right after the abbreviation's full stop."""
    if ctx.text[mention.end : mention.end + 2] != ". ":
        return None
    last = ctx.text[mention.start : mention.end].split()[-1]
    after = bisect_left(ctx.idx, mention.end + 2)
    if not (last[:1].isupper() and len(last) <= 4) or after >= len(ctx.idx) or ctx.idx[after] != mention.end + 2:
        return None
    named = ctx.owner[after]
    return named if named is not None and named.kind == "person" and named.start == mention.end + 2 else None


def _opens_clause(ctx: _Context, k: int) -> bool:
    """A finite verb at token ``k``, after adverbs: the noun phrase before it is that verb's subject."""
    while k < len(ctx.lower) and ctx.pos[k] == "ADV" and ctx.owner[k] is None:
        k += 1
    return k < len(ctx.lower) and ctx.quote_of[k] < 0 and ctx.pos[k] in ("VERB", "AUX") and ctx.finite(k)


def _apposition_start(ctx: _Context, i: int, floor: int) -> int | None:
    """Start (the comma) of a title set beside a name, ending at token i: "X, director of Y, said"."""
    titled = False
    found = None
    # "X, director of Y, said", "X, vice president at the group, Acme, agreed": back to a person if there is one.
    for j in range(i, max(floor, i - 40) - 1, -1):
        if ctx.is_boundary(j) or ctx.quote_of[j] >= 0 or ctx.pos[j] in ("VERB", "AUX") and ctx.finite(j):
            break
        titled = titled or _is_title_head(ctx, j)
        if ctx.lower[j] == "," and j < i and j > floor and ctx.owner[j - 1] is not None:
            owner = ctx.owner[j - 1]
            if owner.kind == "person":
                return j
            if owner.kind in _SPEAKER_KINDS and titled and found is None:
                found = j
    return found


def _relative_start(ctx: _Context, i: int, floor: int) -> int | None:
    """Start (the comma) of a relative clause holding token i: ", qui …", ", who …"."""
    j = i - 1
    # "X, who has led the club since it was promoted to the first division in 2001, said": a relative clause
    # runs long.
    while j > floor and i - j < 20:
        if ctx.lower[j] == "," and ctx.lower[j + 1] in ctx.lexicon.relatives:
            return j
        if ctx.lower[j] == ",":
            return None
        j -= 1
    return None


def _source_speaker(ctx: _Context, i: int, cue: str, quote: _Quote) -> _Attribution:
    """The source named after "selon" / "according to": a name, a pronoun or a title."""
    lexicon = ctx.lexicon
    n = len(ctx.lower)
    if i < n and ctx.lower[i] in lexicon.object_pronouns:
        floor = _clause_floor(ctx, i - 1)
        if any(ctx.quote_of[k] < 0 and ctx.pos[k] in ("VERB", "AUX") and ctx.finite(k) for k in range(floor, i)):
            # "X a salué Y, « … » selon lui": after the sentence's verb the pronoun is its subject, named or not.
            found = _sentence_subject(ctx, floor, i, quote)
            speaker = found.speaker if found is not None else None
            return _Attribution(
                speaker,
                cue,
                by_verb=False,
                confidence=found.confidence if found else _PRONOUN,
                evidence=found.evidence if found else PRONOUN,
            )
        return _Attribution(
            pronouns._resolve_pronoun(ctx, lexicon.object_pronouns[ctx.lower[i]], quote.open),
            cue,
            by_verb=False,
            confidence=_PRONOUN,
            evidence=PRONOUN,
        )
    for j in range(i, min(i + 10, n)):
        if ctx.lower[j] == "," or ctx.is_boundary(j) or _foreign(ctx, j, quote) or ctx.idx[j] in ctx.opens:
            break
        if ctx.pos[j] in ("VERB", "AUX") or ctx.lower[j] in ("par", "by"):
            break  # "selon un enregistrement obtenu par l'AFP": the source is the recording, not the agency
        if ctx.lower[j] in lexicon.unnamed_sources and ctx.owner[j] is None:
            return _Attribution(None, cue, by_verb=False)  # "selon une source proche de X": someone unnamed
        mention = ctx.owner[j]
        if mention is not None and mention.kind in _SPEAKER_KINDS:
            if any(_is_title_head(ctx, k) and ctx.lower[k] not in lexicon.spokespeople for k in range(i, j)):
                break  # "selon le patron de la banque X, Jean Dupont": the title's holder, read below
            if _is_description(ctx, mention):
                found = _description_speaker(ctx, mention)
                return _Attribution(
                    found.speaker, cue, found.role, by_verb=False, confidence=found.confidence, evidence=found.evidence
                )
            held = _holder_of_title_after(ctx, mention, quote)
            if held is not None:
                return _Attribution(
                    held.speaker, cue, held.role, by_verb=False, confidence=held.confidence, evidence=held.evidence
                )
            return _Attribution(mention.group, cue, by_verb=False)
    found = _subject_after(ctx, i, quote)
    if found is None:
        return _Attribution(None, cue, by_verb=False)
    return _Attribution(
        found.speaker, cue, found.role, by_verb=False, confidence=found.confidence, evidence=found.evidence
    )


def _pour_speaker(ctx: _Context, i: int, quote: _Quote) -> _Attribution | None:
    # "Pour Jean Dupont, « … »": an opinion given by a person or an organisation, comma required.
    found = _source_speaker(ctx, i + 1, ctx.text[ctx.idx[i] : ctx.ends[i]], quote)
    if found.speaker is None:
        return None
    j = i + 1
    while j < len(ctx.lower) and ctx.lower[j] != "," and not ctx.is_boundary(j) and j - i < 10:
        j += 1
    return found if j < len(ctx.lower) and ctx.lower[j] == "," else None


def _continue_speakers(ctx: _Context) -> None:
    """A quote without a cue continues its neighbour: « A. « B », a-t-il dit / "A," he said. "B." """
    quotes = ctx.quotes
    # Right next to each other (only spaces or punctuation between): one utterance in two pieces.
    for n in range(len(quotes) - 1, 0, -1):
        a, b = quotes[n - 1], quotes[n]
        if _adjacent(ctx, a, b) and not a.attributed and b.attributed and a.kind == "direct":
            if _run_goes_on_from_other(ctx, n - 1, b):
                continue
            a.speaker, a.cue, a.role, a.attributed, a.confidence = b.speaker, b.cue, b.role, True, b.confidence
            a.evidence = _via(ADJACENT_QUOTE, b)
    # "« A », les ventes vont … « B », estime X.": a quote with no cue shares the speaker of the next quote of
    # its sentence when that one's cue closes the sentence and no one else is named or speaks between them.
    for n in range(len(quotes) - 2, -1, -1):
        a, b = quotes[n], quotes[n + 1]
        if not a.attributed and b.attributed and b.by_verb and b.cue_after and b.speaker is not None:
            if (
                _one_sentence_no_one_between(ctx, a, b)
                and not _qualifies_a_noun(ctx, a)
                and not _run_goes_on_from_other(ctx, n, b)
            ):
                _carry(a, b, NEXT_QUOTE_IN_SENTENCE)
    for quote in quotes:
        if quote.kind == "direct" and not quote.attributed:
            found = _speaker_of_sentence_before(ctx, quote)
            if found is not None:
                _carry(quote, found, SENTENCE_BEFORE)
    # "X est allé jusqu'à saluer le « … »": a few words of someone's in a sentence with no speech verb are, as a
    # guess, its subject's.
    for quote in quotes:
        if quote.kind == "fragment" and not quote.attributed:
            found = _own_sentence_subject(ctx, quote)
            if found is not None:
                _carry(quote, found, FRAGMENT_SUBJECT)
    # A following statement in the same or the next paragraph, with no one else named between.
    previous = -1
    for n, quote in enumerate(quotes):
        if quote.kind != "direct":
            continue
        before = quotes[previous] if previous >= 0 else None
        if (
            not quote.attributed
            and before is not None
            and before.speaker is not None
            and _continues(ctx, before, quote, previous)
            and not _is_heading(ctx, quote)  # a heading opens what follows; it goes on from nothing
        ):
            quote.speaker, quote.role = before.speaker, before.role
            quote.confidence = min(before.confidence, _NEIGHBOUR)
            quote.evidence = _via(PREVIOUS_QUOTE, before)
        previous = n
    # « Il veut faire parler de lui » set alone on its line over the paragraph: as a guess, the words of the later
    # quote that repeats them (a heading of a few words with no verb, « Droit à l'oubli », is a label).
    for n, quote in enumerate(quotes):
        if quote.kind == "direct" and not quote.attributed and _is_heading(ctx, quote):
            found = next((q for q in quotes[n + 1 :] if q.speaker is not None and _repeats(ctx, quote, q)), None)
            if found is not None:
                _carry(quote, found, HEADING)


def _is_heading(ctx: _Context, quote: _Quote) -> bool:
    """The quote is its line's only words and ends with no sentence mark, as a heading does."""
    text = ctx.text
    line_start = text.rfind("\n", 0, quote.open) + 1
    line_end = text.find("\n", quote.close)
    after = text[quote.close + 1 : line_end if line_end >= 0 else ctx.limit]
    words = text[quote.start : quote.end].rstrip()
    return quote.closed and not text[line_start : quote.open].strip() and not after.strip() and words[-1:] not in ".!?…"


def _repeats(ctx: _Context, heading: _Quote, later: _Quote) -> bool:
    """The later quote holds two of the heading's words (its only one, for a one-word heading), compared on their
    first five letters ("parler" and "parle")."""
    words = _content_words(ctx, heading)
    return bool(words) and len(words & _content_words(ctx, later)) >= min(2, len(words))


def _content_words(ctx: _Context, quote: _Quote) -> set[str]:
    return {
        ctx.lower[k][:5]
        for k in range(quote.t0, quote.t1)
        if len(ctx.lower[k]) >= 4 and ctx.pos[k] in ("NOUN", "PROPN", "VERB", "ADJ")
    }


def _run_goes_on_from_other(ctx: _Context, n: int, attributed: _Quote) -> bool:
    """The run of adjacent quotes ending at quote ``n`` follows, with no one else named or speaking between,
    a quote someone else said: '"A," said X. "B. "C," added Y.' (a paragraph break lost between B and C) leaves
    B to X's continuation, not to Y."""
    first = n
    quotes = ctx.quotes
    while first > 0 and _adjacent(ctx, quotes[first - 1], quotes[first]) and not quotes[first - 1].attributed:
        first -= 1
    if first == 0:
        return False
    previous = quotes[first - 1]
    return (
        previous.attributed
        and previous.speaker is not None
        and previous.speaker != attributed.speaker
        and _continues(ctx, previous, quotes[first], first - 1)
    )


def _carry(quote: _Quote, source: _Quote | _Attribution, how: str) -> None:
    """The quote is said by ``source``'s speaker, taken from the context (``how``): at most _NEIGHBOUR sure."""
    quote.speaker, quote.role, quote.attributed = source.speaker, source.role, True
    quote.confidence = min(source.confidence, _NEIGHBOUR)
    quote.evidence = _via(how, source)


def _own_sentence_subject(ctx: _Context, quote: _Quote) -> _Attribution | None:
    """The person or organisation the quote's sentence opens with as its active subject, when no one else is
    named and no other quote stands between that subject and the quote."""
    if ctx.lexicon is None or quote.t0 == 0:
        return None
    floor = _clause_floor(ctx, quote.t0 - 1)
    verb = next(
        (k for k in range(floor, quote.t0) if ctx.quote_of[k] < 0 and ctx.pos[k] in ("VERB", "AUX") and ctx.finite(k)),
        None,
    )
    if verb is None or any(_passive_marker(ctx, k) for k in range(verb, min(verb + 3, quote.t0))):
        return None  # "X a été accusé de « … »": the charge is not X's word
    found = _sentence_subject(ctx, floor, verb, quote)
    if found is None or found.speaker is None or ctx.groups[found.speaker].kind not in _SPEAKER_KINDS:
        return None
    for k in range(verb, quote.t0):
        owner = ctx.owner[k]
        someone_else = owner is not None and owner.kind in _SPEAKER_KINDS and owner.group != found.speaker
        if _foreign(ctx, k, quote) or someone_else:
            return None
    return found


def _runs_on(ctx: _Context, quote: _Quote) -> bool:
    """A quote never closed, cut where the next one opens, ran over sentences the reporter may have written:
    it is no utterance with the next one."""
    return not quote.closed and ctx.sent[quote.t1 - 1] - ctx.sent[quote.t0] >= _UNCLOSED_SENTENCES


def _one_sentence_no_one_between(ctx: _Context, a: _Quote, b: _Quote) -> bool:
    """Quotes ``a`` and ``b`` stand in one sentence of the reporter's, with no person or organisation named
    and no speech verb between them."""
    if _runs_on(ctx, a):
        return False
    for i in range(bisect_left(ctx.idx, a.close), bisect_left(ctx.idx, b.open)):
        if ctx.quote_of[i] >= 0:
            continue
        owner = ctx.owner[i]
        if ctx.is_boundary(i) or owner is not None and owner.kind in _SPEAKER_KINDS or _is_speech_verb(ctx, i):
            return False
    return True


def _speaker_of_sentence_before(ctx: _Context, quote: _Quote) -> _Attribution | None:
    """The speaker of the sentence right before a quote that opens a sentence of its own: "…, Howard said.
    "The volume is really high."" (the same or the previous paragraph, no quote in that sentence)."""
    if ctx.lexicon is None or not _opens_sentence(ctx, quote):
        return None
    end = bisect_left(ctx.idx, quote.open) - 1
    while end >= 0 and "\n" in ctx.lower[end]:
        end -= 1
    if end <= 0 or ctx.lower[end] not in (".", "!", "?", "…") or ctx.quote_of[end] >= 0:
        return None
    floor = _clause_floor(ctx, end - 1)
    if ctx.para[quote.t0] - ctx.para[floor] > 1 or any(ctx.quote_of[k] >= 0 for k in range(floor, end)):
        return None
    verb = next((k for k in range(end - 1, floor - 1, -1) if _is_speech_verb(ctx, k)), None)
    if verb is None:
        return None
    found = _speaker_of_verb(ctx, verb, quote, window_start=floor)
    return found if found.speaker is not None else None


def _adjacent(ctx: _Context, a: _Quote, b: _Quote) -> bool:
    if not a.closed:
        return a.close == b.open and not _runs_on(ctx, a)
    between = ctx.text[a.close + 1 : b.open]
    return "\n" not in between and all(not ch.isalnum() for ch in between)


def _continues(ctx: _Context, a: _Quote, b: _Quote, a_index: int) -> bool:
    if not a.closed and a.close == b.open:
        return True  # "A … "B …": the first never closed, the second goes on
    first, last = bisect_left(ctx.idx, a.close), bisect_left(ctx.idx, b.open)
    if last <= first or ctx.para[last] - ctx.para[first] > 1:
        return False
    for i in range(first, last):
        if ctx.quote_of[i] >= 0 and ctx.quote_of[i] != a_index:
            continue
        owner = ctx.owner[i]
        # Names in the sentence attributing the first quote qualify its speaker ("said Flynn's father").
        own_sentence = a.by_verb and ctx.sent[i] == ctx.sent[first]
        if (
            owner is not None
            and owner.kind == "person"
            and owner.group != a.speaker
            and not own_sentence
            and not _is_description(ctx, owner)
        ):
            return False
        if (
            ctx.lexicon is not None
            and ctx.lower[i] in ctx.lexicon.verbs
            and ctx.pos[i] == "VERB"
            and ctx.quote_of[i] < 0
            and not _belongs_to(ctx, i, a)
            and not _bare_participle(ctx, i)
        ):
            return False  # someone else's speech verb between
    return True


def _bare_participle(ctx: _Context, i: int) -> bool:
    """A past participle with no auxiliary before it describes ("Sa carrière lancée, …"): no one speaks."""
    return (
        "VerbForm=Part" in ctx.morph(i)
        and "Tense=Past" in ctx.morph(i)
        and (i == 0 or ctx.lower[i - 1] not in ctx.lexicon.auxiliaries)
    )


def _belongs_to(ctx: _Context, i: int, quote: _Quote) -> bool:
    # The verb of the quote's own cue ("« … », a-t-il ajouté") sits right after it.
    return (
        bool(quote.cue)
        and ctx.text[ctx.idx[i] : ctx.ends[i]] in quote.cue
        and i - bisect_left(ctx.idx, quote.close) <= _WINDOW_AFTER
    )
