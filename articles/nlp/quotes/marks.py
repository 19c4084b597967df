"""Quotation marks: pairing them into quotes, trimming the quoted words, and telling a statement from a
fragment or from words that are nobody's (a scare quote, a name, the title of a work)."""

import re
from bisect import bisect_left

from .context import _SPEAKER_KINDS, _clause_floor, _Context, _describes, _Mark, _opens_sentence, _Quote
from .cues import _is_speech_verb

_MARK_CHARS = "«»“”„‟\"‹›‘’'"
_MARK_RE = re.compile("[" + _MARK_CHARS + "]")
_SPACES = " \t\r\n\u00a0\u202f\u2009\u2007\u2002\u2003\u2004\u2005\u2006\u2008\u200a\u3000"
_OPEN_CONTEXT = "([{—–-/:«“‘\u00a0\u202f"
_CLOSE_CONTEXT = ".,;:!?)]}—–-…»”’"
_UNSURE_FAMILIES = frozenset({"single", "apostrophe"})
_LONG = 10  # words: a quote this long is a statement, not a phrase in the reporter's sentence

_SCARE = re.compile(r"(?i)\b(?:so-called|soi-disant)\s*$")
# The name of a charge: "charged with "…"", "mis en examen pour « … »", "chef d'accusation de « … »".
_CHARGE = re.compile(
    r"(?i)\b(?:charged with|convicted of|accused of|charges? of|counts? of|guilty of"
    r"|(?:plainte|examen|poursuivie?s?|condamnée?s?|inculpée?s?|écrouée?s?)(?:\s+[^\s«»\"“”.;:]+){0,12}\s+pour"
    r"|chefs? d['’](?:inculpation|accusation)(?:\s+de|\s+d['’])?|chefs? de)\s*$"
)


# Between two items of a list of quotes: « … » et « … », "…", "…", "…" or "…".
_JOINED = re.compile(r"(?i)[»”\"]\s*(?:,|et|ou|and|or)\s*$")


def _pair_marks(text: str, limit: int) -> list[_Quote]:
    """Outer quotes of each paragraph; the text after ``limit`` is not read."""
    quotes: list[_Quote] = []
    start = 0
    while start < limit:
        end = text.find("\n", start, limit)
        end = limit if end < 0 else end
        marks = _marks(text, start, end)
        if marks:
            quotes.extend(_pair_paragraph(text, marks, end, start))
        start = end + 1
    return quotes


def _marks(text: str, start: int, end: int) -> list[_Mark]:
    marks: list[_Mark] = []
    for match in _MARK_RE.finditer(text, start, end):
        pos = match.start()
        ch = text[pos]
        before = text[pos - 1] if pos > start else "\n"
        after = text[pos + 1] if pos + 1 < end else "\n"
        opens = before in _SPACES or before in _OPEN_CONTEXT
        closes = after in _SPACES or after in _CLOSE_CONTEXT
        if ch == "«":
            marks.append(_Mark(pos, "guillemet", "open"))
        elif ch == "»":
            marks.append(_Mark(pos, "guillemet", "close"))
        elif ch in "“„‟":
            marks.append(_Mark(pos, "curly", "open"))
        elif ch == "”":
            # Some copy types ” on both sides: one that opens a word may open a quote.
            marks.append(_Mark(pos, "curly", "both" if opens and not closes else "close"))
        elif ch == "‹":
            marks.append(_Mark(pos, "angle", "open"))
        elif ch == "›":
            marks.append(_Mark(pos, "angle", "close"))
        elif ch in "‘’'":
            # Single marks double as apostrophes ("l’État", "don't", "’90s", "the ministers' plan"): a mark
            # opens only before a letter after a space, closes only after a word before a space or
            # punctuation, and a quote is kept only when both ends are found.
            family = "apostrophe" if ch == "'" else "single"
            if ch != "’" and opens and after.isalpha():
                marks.append(_Mark(pos, family, "open"))
            elif ch != "‘" and closes and before not in _SPACES and not before.isdigit():
                marks.append(_Mark(pos, family, "close"))
        elif ch == '"':
            # After a number ("41 \"", "2'24\"", "12\"") it is seconds or inches: it may close a quote
            # ("… by 2008\"") but never opens one.
            number = before.isdigit() or before == " " and pos - 2 >= start and text[pos - 2].isdigit()
            if number:
                side = "close"
            elif opens and not closes and before in _SPACES and pos - 2 >= start and text[pos - 2] == ",":
                # '"… the leading scorer, "Smith said': a space typed before the closing mark. After a comma it
                # may close a quote still open as well as open the next one ('he said, "We will …').
                side = "both"
            else:
                side = "open" if opens and not closes else "close" if closes and not opens else "both"
            marks.append(_Mark(pos, "straight", side))
    return marks


def _pair_paragraph(text: str, marks: list[_Mark], paragraph_end: int, paragraph_start: int) -> list[_Quote]:
    quotes: list[_Quote] = []
    i = 0
    while i < len(marks):
        mark = marks[i]
        if mark.side == "close":
            if (
                i == 0
                and mark.family not in _UNSURE_FAMILIES
                and text[mark.pos + 1 : mark.pos + 3].lstrip()[:1] == ","
                and not text[max(paragraph_start, mark.pos - 2) : mark.pos].strip()[-1:].isdigit()  # 41 ", seconds
            ):
                # 'Engagez-vous", a-t-il ajouté.': the opening mark was lost (or the quote goes on from the
                # paragraph before); the words from the paragraph start are the quote.
                quotes.append(_Quote(paragraph_start - 1, mark.pos, True, 0, 0))
            i += 1  # a closing mark nothing opened
            continue
        j = _closing(marks, i)
        if j is not None:
            quotes.append(_Quote(mark.pos, marks[j].pos, True, 0, 0))
            i = j + 1
            continue
        if mark.family in _UNSURE_FAMILIES:
            i += 1  # likely an apostrophe after all
            continue
        straight = _straight_closing(marks, i) if mark.family == "curly" else None
        if straight is not None:
            # “We will rebuild the bridge," she said: copy mixing marks closes a curly quote with a straight one.
            quotes.append(_Quote(mark.pos, marks[straight].pos, True, 0, 0))
            i = straight + 1
            continue
        # Never closed: the quote stops where the next one of its kind opens a sentence ("… avant.
        # « J'y veillerai »"), or with the paragraph; a quote opening mid-sentence is one inside it.
        k = next((k for k in range(i + 1, len(marks)) if _opens_next(text, mark, marks[k])), None)
        shared = _shared_closing(text, marks, i, len(marks) if k is None else k)
        if shared is not None:
            # « … m'a-t-il dit : « Il faut y aller ». Then: one mark closes both quotes, as French copy allows.
            quotes.append(_Quote(mark.pos, marks[shared].pos, True, 0, 0))
            i = shared + 1
            continue
        quotes.append(_Quote(mark.pos, marks[k].pos if k is not None else paragraph_end, False, 0, 0))
        if k is None:
            break
        i = k
    return quotes


def _shared_closing(text: str, marks: list[_Mark], i: int, stop: int) -> int | None:
    """Index of the mark closing a quote inside the unclosed quote marks[i] and, with it, its sentence: the
    writer closed both quotes with one mark ("… je m'étais dit : « Il faut la rencontre ». Mais …")."""
    family = marks[i].family
    if family in ("straight", *_UNSURE_FAMILIES):
        return None  # these never nest
    depth = 0
    for j in range(i + 1, stop):
        mark = marks[j]
        if mark.family != family:
            continue
        depth += 1 if mark.side == "open" else -1
        if (
            depth == 0
            and mark.side != "open"
            and text[mark.pos + 1 : mark.pos + 4].lstrip(_SPACES)[:1] in (".", "!", "?", "…")
        ):
            return j
    return None


def _opens_next(text: str, unclosed: _Mark, mark: _Mark) -> bool:
    if mark.family != unclosed.family or mark.side != "open":
        return False
    if mark.family in ("straight", *_UNSURE_FAMILIES):
        return True  # these never nest
    before = text[unclosed.pos + 1 : mark.pos].rstrip(_SPACES)
    return before[-1:] in (".", "!", "?", "…")


def _straight_closing(marks: list[_Mark], i: int) -> int | None:
    """Index of a straight mark that may close the curly quote marks[i], no curly mark before it."""
    for j in range(i + 1, len(marks)):
        if marks[j].family == "curly":
            return None
        if marks[j].family == "straight":
            return j if marks[j].side != "open" else None
    return None


def _closing(marks: list[_Mark], i: int) -> int | None:
    """Index of the mark closing marks[i]; marks of another family inside are a quote in the quote."""
    family = marks[i].family
    depth = 0
    for j in range(i + 1, len(marks)):
        mark = marks[j]
        if mark.family != family:
            continue
        if mark.side == "open":
            if family == "straight" or family in _UNSURE_FAMILIES:
                return None  # these do not nest: this one opens the next quote
            depth += 1
        elif depth == 0:
            return j
        else:
            depth -= 1
    return None


def _trim(text: str, quote: _Quote) -> bool:
    """Set the quoted words inside the marks; False when nothing is quoted."""
    start, end = quote.open + 1, quote.close
    while start < end and text[start] in _SPACES:
        start += 1
    while end > start and (text[end - 1] in _SPACES or text[end - 1] == ","):
        end -= 1
    quote.start, quote.end = start, end
    # Words start a quote; punctuation first means the mark closed something instead.
    return start < end and text[start] not in ".,;:!?)]}" and any(ch.isalnum() for ch in text[start:end])


def _index_quotes(ctx: _Context) -> None:
    ctx.quote_of = [-1] * len(ctx.idx)
    for n, quote in enumerate(ctx.quotes):
        quote.t0 = bisect_left(ctx.idx, quote.start)
        quote.t1 = bisect_left(ctx.idx, quote.end)
        # The marks themselves belong to the quote: a walk through the sentence jumps over all of it.
        for i in range(
            bisect_left(ctx.idx, quote.open), bisect_left(ctx.idx, quote.close + (1 if quote.closed else 0))
        ):
            ctx.quote_of[i] = n
    ctx.opens = frozenset(q.open for q in ctx.quotes)
    if ctx.lexicon is not None:
        ctx.descriptions = frozenset(m.start for m in ctx.mentions if _describes(ctx, m))
    for mention in ctx.mentions:
        token = bisect_left(ctx.idx, mention.start)
        if mention.start in ctx.descriptions:
            continue  # never an antecedent: it names no one
        if token < len(ctx.quote_of) and ctx.quote_of[token] < 0:
            ctx.free.append(mention)
            ctx.free_starts.append(mention.start)
            ctx.free_tokens.append(token)
            if mention.kind == "person":
                ctx.person_starts.setdefault(mention.group, []).append(mention.start)


def _kind(ctx: _Context, quote: _Quote) -> str:
    tokens = range(quote.t0, quote.t1)
    words = sum(1 for i in tokens if any(ch.isalnum() for ch in ctx.lower[i]))
    if _names_a_work(ctx, quote):
        return "fragment"
    finite = any(ctx.finite(i) for i in tokens)
    first = next((ch for ch in ctx.text[quote.start : quote.end] if ch.isalpha()), "")
    # A long passage is a statement when it is a clause, a sentence of its own, or what a speech verb
    # introduces ("a évoqué « l'obtention d'informations … »"); a long phrase a newspaper or a
    # document is credited with ("selon les documents officiels") stays a fragment.
    if words >= _LONG and (finite or quote.by_verb or first.isupper() and _opens_sentence(ctx, quote)):
        return "direct"
    # A clause is a statement; three words of one inside the reporter's sentence ("a promis de
    # « ne pas reculer »") are still a fragment.
    if finite and (words >= 4 or words >= 3 and first.isupper()):
        return "direct"
    if first.isupper() and _opens_sentence(ctx, quote):
        # A capitalised sentence of its own: a statement when it ends like one or someone said it.
        last = ctx.text[quote.start : quote.end].rstrip()[-1:]
        if (finite and words >= 2) or (last in ".!?…" and words >= 2) or quote.attributed:
            return "direct"
    return "fragment"


def _nobodys_words(ctx: _Context, quote: _Quote) -> bool:
    """A few words in quotation marks that no one is said to have spoken: a scare quote, a nickname, a
    name, the title of a work ("the "middle office"", « le Nid d'oiseau », "Happy Birthday")."""
    if ctx.lexicon is None or quote.kind == "direct":
        return False
    if _names_a_work(ctx, quote):
        return True
    before = bisect_left(ctx.idx, quote.open) - 1
    first = next((ch for ch in ctx.text[quote.start : quote.end] if ch.isalpha()), "")
    if (
        first.isupper()
        and before >= 0
        and ctx.pos[before] in ("ADP", "DET")
        and quote.t1 - quote.t0 <= 4
        and not any(ctx.finite(i) for i in range(quote.t0, quote.t1))
    ):
        return True  # "a confirmé dans « Le Figaro »": a name after a preposition, whoever speaks
    if _glossed(ctx, quote) and quote.t1 - quote.t0 <= 4 and not any(ctx.finite(i) for i in range(quote.t0, quote.t1)):
        return True  # 'des messages instantanés ("chats")': the name of what the reporter just described
    if quote.attributed and (quote.speaker is not None or quote.role):
        return False
    words = sum(1 for i in range(quote.t0, quote.t1) if any(ch.isalnum() for ch in ctx.lower[i]))
    if words <= 2 and _qualifies_a_noun(ctx, quote):
        return True  # 'a "rugged" model to stand beside the "light" one': a label, no one's words
    if _title_case(ctx.text[quote.start : quote.end]) and not _opens_sentence(ctx, quote):
        return True  # "an "Action Plan for the Development of the Region"": a name, however long
    if words > 4 or any(ctx.finite(i) for i in range(quote.t0, quote.t1)):
        return False
    first = next((ch for ch in ctx.text[quote.start : quote.end] if ch.isalpha()), "")
    if first.isupper() and not _opens_sentence(ctx, quote):
        return True  # capitalised in the middle of the reporter's sentence: a name or a title
    # Someone's words need someone: a speech verb or a speaker in the sentence.
    first_token = _clause_floor(ctx, quote.t0 - 1) if quote.t0 > 0 else 0
    for i in range(first_token, len(ctx.lower)):
        if i >= quote.t0 and ctx.quote_of[i] < 0 and ctx.is_boundary(i):
            break
        if ctx.quote_of[i] >= 0:
            continue
        owner = ctx.owner[i]
        if owner is not None and owner.kind in _SPEAKER_KINDS or _is_speech_verb(ctx, i):
            return False
    return True


def _glossed(ctx: _Context, quote: _Quote) -> bool:
    """The quoted words are all a pair of brackets holds, right after a word: a gloss or a name."""
    before = ctx.text[max(0, quote.open - 20) : quote.open].rstrip(_SPACES)
    after = ctx.text[quote.close + 1 : quote.close + 20].lstrip(_SPACES)
    return quote.closed and before.endswith("(") and after.startswith(")") and before[:-1].rstrip()[-1:].isalpha()


def _qualifies_a_noun(ctx: _Context, quote: _Quote) -> bool:
    """The quoted words sit between a determiner and a noun, qualifying it: "a "rugged" model", "une
    offre « premium » ": a label the reporter marks, not speech."""
    before = bisect_left(ctx.idx, quote.open) - 1
    after = bisect_left(ctx.idx, quote.close + 1) if quote.closed else len(ctx.lower)
    return (
        before >= 0
        and after < len(ctx.lower)
        and ctx.pos[before] == "DET"
        and ctx.pos[after] in ("NOUN", "PROPN")
        and not any(ctx.finite(i) for i in range(quote.t0, quote.t1))
    )


def _title_case(words: str) -> bool:
    """Every word longer than three letters capitalised, at least two of them, no sentence punctuation."""
    if any(ch in words for ch in ".!?;:,"):
        return False
    long = [w for w in re.findall(r"[^\W\d_][\w'’-]*", words) if len(w) > 3]
    return len(long) >= 2 and all(w[0].isupper() for w in long)


def _names_a_work(ctx: _Context, quote: _Quote) -> bool:
    # "le film « Les Misérables »", "the so-called "experts"": a name or a scare quote, not speech.
    lexicon = ctx.lexicon
    i = bisect_left(ctx.idx, quote.open) - 1
    if lexicon is None or i < 0:
        return False
    word = ctx.lower[i]
    if _SCARE.search(ctx.text, max(0, quote.open - 20), quote.open):
        return True  # "so-called" may come as three tokens
    if _is_charge(ctx, quote):
        return True
    return word in lexicon.work_nouns and ctx.pos[i] != "VERB" or word in ("so-called", "soi-disant")


def _is_charge(ctx: _Context, quote: _Quote) -> bool:
    """The name of a charge, however long when it holds no finite verb ("plainte pour « abus de biens
    sociaux, faux en écriture, blanchiment et recel »"), and each charge listed after it ("pour « vol » et
    « recel »")."""
    size = quote.t1 - quote.t0
    if size > 8 and (size > 20 or any(ctx.finite(i) for i in range(quote.t0, quote.t1))):
        return False
    if _CHARGE.search(ctx.text, max(0, quote.open - 100), quote.open):
        return True
    joined = _JOINED.search(ctx.text, max(0, quote.open - 8), quote.open)
    if joined is None:
        return False
    previous = ctx.quote_of[bisect_left(ctx.idx, joined.start()) - 1] if joined.start() > 0 else -1
    # A quote and its closing mark are one run of tokens: the previous quote ends right at the joiner.
    return previous >= 0 and ctx.quotes[previous] is not quote and _is_charge(ctx, ctx.quotes[previous])
