"""Reported speech: a clause a speech verb or a source introduces ("X a déclaré que …", "…, according to X")."""

from bisect import bisect_left

from ..lexicon import LEXICONS
from ..types import QuoteSpan
from .attribution import _source_speaker, _subject_before
from .context import _Attribution, _clause_floor, _Context, _is_time, _Quote
from .cues import _according_at, _cue_chain, _is_speech_verb


def _reported(ctx: _Context) -> list[QuoteSpan]:
    if ctx.lexicon is None:
        return []
    spans: list[QuoteSpan] = []
    n = len(ctx.lower)
    i = 0
    while i < n:
        if ctx.quote_of[i] >= 0:
            i += 1
            continue
        span = None
        if _is_speech_verb(ctx, i):
            span = _reported_after_verb(ctx, i)
        elif _according_at(ctx, i):
            span = _reported_according(ctx, i)
        if span is not None:
            spans.append(span)
            i = max(i + 1, bisect_left(ctx.idx, span.end))
        else:
            i += 1
    return spans


def _reported_after_verb(ctx: _Context, verb: int) -> QuoteSpan | None:
    """X a déclaré (dans un communiqué) que … / X said (on Monday) (that) …"""
    lexicon = ctx.lexicon
    n = len(ctx.lower)
    j = verb + 1
    while j < n and (ctx.lower[j] in ("-t",) or ctx.lower[j] in lexicon.inverted and ctx.lower[j].startswith("-")):
        j += 1
    clause = None
    # A short complement may come first: "dans un communiqué", "on Monday", "told reporters"; a noun
    # right after "said" starts the clause itself ("said reports that … were wrong").
    tells = ctx.lower[verb] in lexicon.tell_verbs
    for k in range(j, min(j + 7, n)):
        if (
            k == j
            and not tells
            and ctx.pos[k] in ("DET", "NOUN", "PROPN", "PRON", "NUM", "ADJ")
            and not _is_time(ctx, k)
        ):
            break
        if ctx.lower[k] in lexicon.complementisers and ctx.pos[k] in ("SCONJ", "PRON", "ADP", "DET"):
            clause = k + 1
            break
        if (
            ctx.is_boundary(k)
            or ctx.quote_of[k] >= 0
            or ctx.lower[k] in (",", ":")
            or (ctx.pos[k] in ("VERB", "AUX") and ctx.finite(k))
        ):
            break
    if clause is None and lexicon is LEXICONS["en"] and ctx.lower[verb] in ("said", "says"):
        clause = _bare_clause(ctx, j)
    if clause is None:
        return None
    start, end, _ = _cue_chain(ctx, verb)
    floor = _clause_floor(ctx, start - 1) if start > 0 else 0
    subject = _subject_before(ctx, start, floor, _Quote(ctx.idx[start], ctx.idx[start], False, 0, 0))
    if subject is None or subject.speaker is None or _coordinated(ctx, start, floor):
        return None
    return _clause_span(ctx, clause, subject, ctx.text[ctx.idx[start] : ctx.ends[end - 1]])


def _bare_clause(ctx: _Context, j: int) -> int | None:
    # "He said the firm would cut jobs": a subject then a finite verb within five tokens, no comma.
    for k in range(j, min(j + 6, len(ctx.lower))):
        if ctx.is_boundary(k) or ctx.quote_of[k] >= 0 or ctx.pos[k] in ("PUNCT", "ADP", "SCONJ") and k == j:
            return None
        if ctx.lower[k] == ",":
            return None
        if k > j and ctx.pos[k] in ("VERB", "AUX") and ctx.finite(k):
            return j
    return None


def _coordinated(ctx: _Context, cue_start: int, floor: int) -> bool:
    # "Dupont et Martin ont souligné que …": two speakers, no one group said it.
    words = [ctx.lower[k] for k in range(max(floor, cue_start - 8), cue_start)]
    return any(w in ctx.lexicon.coordinators for w in words) and ctx.lower[cue_start] in ("ont", "have", "sont")


def _reported_according(ctx: _Context, i: int) -> QuoteSpan | None:
    """Selon X, … / According to X, … (sentence start) and …, selon X. (sentence end)."""
    length = _according_at(ctx, i)
    cue = ctx.text[ctx.idx[i] : ctx.ends[i + length - 1]]
    floor = _clause_floor(ctx, i - 1) if i > 0 else 0
    head = floor
    if head < i and ctx.lower[head] in ctx.lexicon.sentence_openers:
        head += 1
    probe = _Quote(ctx.idx[i], ctx.idx[i], False, 0, 0)
    if head == i:
        comma = next(
            (
                k
                for k in range(i + length, min(i + length + 12, len(ctx.lower)))
                if ctx.lower[k] == "," or ctx.is_boundary(k)
            ),
            None,
        )
        if comma is None or ctx.lower[comma] != ",":
            return None
        comma = _after_apposition(ctx, comma)
        source = _source_speaker(ctx, i + length, cue, probe)
        if source.speaker is None:
            return None
        return _clause_span(ctx, comma + 1, source, cue)
    if i > floor and ctx.lower[i - 1] == ",":
        end = next((k for k in range(i + length, min(i + length + 14, len(ctx.lower))) if ctx.is_boundary(k)), None)
        if end is None or any(ctx.quote_of[k] >= 0 or ctx.lower[k] == "," for k in range(i + length, end)):
            return None
        source = _source_speaker(ctx, i + length, cue, probe)
        if source.speaker is None or any(ctx.quote_of[k] >= 0 for k in range(floor, i)):
            return None
        start_char, end_char = ctx.idx[floor], ctx.ends[i - 2]
        return QuoteSpan(
            start_char,
            end_char,
            ctx.text[start_char:end_char],
            "reported",
            source.speaker,
            cue,
            source.role,
            source.confidence,
            source.evidence,
        )
    return None


def _after_apposition(ctx: _Context, comma: int) -> int:
    """ "Selon X, délégué général du festival, le film …", "According to X, the business daily, …": the
    comma after a noun phrase set beside the source (no verb in it), else ``comma`` itself."""
    first = comma + 1
    if first >= len(ctx.lower) or ctx.pos[first] not in ("DET", "NOUN", "PROPN", "ADJ") or _is_time(ctx, first):
        return comma
    for k in range(first, min(first + 8, len(ctx.lower))):
        if ctx.is_boundary(k) or ctx.quote_of[k] >= 0 or ctx.pos[k] in ("VERB", "AUX"):
            return comma
        if ctx.lower[k] == ",":
            return k if k > first else comma
    return comma


def _clause_span(ctx: _Context, first: int, attribution: _Attribution, cue: str) -> QuoteSpan | None:
    """The reported clause from token ``first`` to the sentence end, less a trailing source."""
    n = len(ctx.lower)
    last = first
    while last < n and not ctx.is_boundary(last) and ctx.para[last] == ctx.para[first]:
        if ctx.quote_of[last] >= 0 and ctx.quotes[ctx.quote_of[last]].kind == "direct":
            return None  # the direct quote already says it
        last += 1
    last = _without_source(ctx, first, last)
    while last > first and ctx.pos[last - 1] in ("PUNCT", "SPACE") and ctx.quote_of[last - 1] < 0:
        last -= 1  # the closing mark of a fragment inside the clause stays
    if last - first < 3:
        return None
    start, end = ctx.idx[first], ctx.ends[last - 1]
    return QuoteSpan(
        start,
        end,
        ctx.text[start:end],
        "reported",
        attribution.speaker,
        cue,
        attribution.role,
        attribution.confidence if attribution.speaker is not None else None,
        attribution.evidence if attribution.speaker is not None else "",
    )


def _without_source(ctx: _Context, first: int, last: int) -> int:
    # ", comme le rapporte X", ", selon X", ", according to X" end the sentence, not the speech.
    for k in range(first, last):
        if ctx.lower[k] != ",":
            continue
        rest = ctx.lower[k + 1 : k + 4]
        if rest and (
            rest[0] in ("comme", "as") and any(w in ctx.lexicon.source_verbs for w in rest) or _according_at(ctx, k + 1)
        ):
            return k
    return last
