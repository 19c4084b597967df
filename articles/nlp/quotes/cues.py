"""Cues of speech: speech verbs and their chains ("a-t-il ajouté", "has said"), "selon X" / "according to X",
and where a clause that a cue may introduce begins."""

from ..lexicon import CLOSING_QUOTES, LEXICONS
from .context import _Context

_ACCORDING_FIRST = frozenset(phrase[0] for lexicon in LEXICONS.values() for phrase in lexicon.according)


def _introduces(ctx: _Context, verb: int) -> bool:
    """The speech verb is followed by a colon, or by a noun phrase then a colon: it opens what follows."""
    for k in range(verb + 1, min(verb + 8, len(ctx.lower))):
        if ctx.lower[k] == ":":
            return True
        if ctx.is_boundary(k) or ctx.lower[k] == "," or ctx.idx[k] in ctx.opens:
            return False
    return False


def _may_lead_cue(ctx: _Context, i: int) -> bool:
    """Token i may stand before a speech verb opening a sentence: subject, auxiliary, adverb, the verb."""
    lexicon = ctx.lexicon
    word = ctx.lower[i]
    return (
        ctx.owner[i] is not None
        or word in lexicon.subjects
        or word in lexicon.auxiliaries
        or word in lexicon.courtesy_female
        or word in lexicon.courtesy_male
        or word in lexicon.inverted
        or word == "-t"
        or ctx.pos[i] == "ADV"
        or _is_speech_verb(ctx, i)
    )


def _is_speech_verb(ctx: _Context, i: int) -> bool:
    lexicon = ctx.lexicon
    word = ctx.lower[i]
    if word not in lexicon.verbs:
        return False
    if word in lexicon.work_nouns and not ctx.finite(i):
        # "un homme appelé « le Boucher »", "dit « le Boucher »" name someone; "a appelé", "a-t-il dit" speak.
        start, end, _ = _cue_chain(ctx, i)
        return start < i or end > i + 1
    if ctx.pos[i] in ("VERB", "AUX"):
        return True
    # Tags slip on "note", "juge", "estime": an auxiliary before, a pronoun after, or a quote before and a name
    # after ("« … », note Jean Dupont") settles it.
    j = i + 2 if i + 1 < len(ctx.lower) and ctx.lower[i + 1] == "-t" else i + 1  # "argumente-t-il"
    return (
        (i > 0 and ctx.lower[i - 1] in lexicon.auxiliaries)
        or (j < len(ctx.lower) and ctx.lower[j] in lexicon.inverted and ctx.lower[j].startswith("-"))
        or _between_quote_and_name(ctx, i)
    )


def _between_quote_and_name(ctx: _Context, i: int) -> bool:
    """Token i follows a closing quotation mark and its comma, and a name follows it, maybe after "pour sa part"
    or "de son côté" ("« … », juge pour sa part X")."""
    if i < 2 or ctx.lower[i - 1] != "," or ctx.lower[i - 2] not in CLOSING_QUOTES:
        return False
    j = i + 4 if _for_ones_part(ctx, i + 1) else i + 1
    return j < len(ctx.lower) and ctx.owner[j] is not None


def _for_ones_part(ctx: _Context, k: int) -> bool:
    """ "pour sa part", "de son côté" at token k: said of the subject after them, not a medium or a listener."""
    return (
        k + 2 < len(ctx.lower)
        and (ctx.lower[k], ctx.lower[k + 2]) in ctx.lexicon.own_part
        and ctx.lower[k + 1] in ctx.lexicon.determiners
    )


def _is_auxiliary_of_cue(ctx: _Context, i: int) -> bool:
    # "a" in "a-t-il ajouté", "has" in "has said": the speech verb follows within three tokens, or a little further
    # past adverbs ("a-t-il notamment expliqué", "has also repeatedly said").
    if ctx.lower[i] not in ctx.lexicon.auxiliaries:
        return False
    j = i + 1
    while j < len(ctx.lower) and j - i <= 5:
        if _is_speech_verb(ctx, j):
            return True
        if not (j - i < 3 or ctx.pos[j] == "ADV" and ctx.owner[j] is None):
            return False
        j += 1
    return False


def _according_at(ctx: _Context, i: int) -> int:
    """Length of a "selon" / "d'après" / "according to" starting at token i, else 0."""
    if ctx.lower[i] not in _ACCORDING_FIRST:
        return 0
    for phrase in ctx.lexicon.according:
        n = len(phrase)
        if tuple(ctx.lower[i : i + n]) == phrase:
            return n
    return 0


def _according_ending_at(ctx: _Context, i: int) -> int:
    for phrase in ctx.lexicon.according:
        n = len(phrase)
        if i - n + 1 >= 0 and tuple(ctx.lower[i - n + 1 : i + 1]) == phrase:
            return n
    return 0


def _cue_chain(ctx: _Context, verb: int) -> tuple[int, int, str | None]:
    """Token range of the cue as written, and the gender of a French inverted pronoun in it, if any."""
    lexicon = ctx.lexicon
    start, end, inverted = verb, verb + 1, None
    if lexicon is not LEXICONS["fr"]:
        # "has said", "had also told": the auxiliary is part of the cue.
        k = verb - 1
        if k >= 1 and ctx.pos[k] == "ADV" and ctx.lower[k - 1] in lexicon.auxiliaries:
            k -= 1
        if k >= 0 and ctx.lower[k] in lexicon.auxiliaries:
            start = k
        return start, end, None
    # Forward: "dit-il", "ajoute-t-elle".
    j = verb + 1
    if j < len(ctx.lower) and ctx.lower[j] == "-t":
        j += 1
    if j < len(ctx.lower) and ctx.lower[j] in lexicon.inverted:
        end, inverted = j + 1, lexicon.inverted[ctx.lower[j]]
    # Backward: "a-t-il ajouté", "a également déclaré", "s'est exclamé".
    k = verb - 1
    adverbs = 0
    while k >= 0:
        word = ctx.lower[k]
        if word in lexicon.inverted:
            inverted = lexicon.inverted[word]
        elif word == "-t":
            pass
        elif word in lexicon.auxiliaries:
            start = k
        elif (
            ctx.pos[k] == "ADV"
            and adverbs < 2
            and k > 0
            and (
                ctx.lower[k - 1] in lexicon.auxiliaries
                or ctx.lower[k - 1] in lexicon.inverted
                or ctx.pos[k - 1] == "ADV"
            )
        ):
            adverbs += 1
        else:
            break
        k -= 1
    return start, end, inverted
