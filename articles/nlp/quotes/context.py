"""What every quote rule reads: one article's tokens and mentions, the quotes found in it, and small
helpers over them (sentence starts, descriptions, title heads), with how sure each kind of evidence is."""

import unicodedata
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc

from ..lexicon import Lexicon, every
from ..types import ActorGroup, MentionSpan, RoleSpan

# Word lists read whatever the text's language.
_STOPWORDS = every("stop_words")
# Days and other time words: "a affirmé mercredi que", "said on Monday".
_TIME_WORDS = every("days")
# Words that may stand between a subject and its verb: "il nous a dit", "X ne l'a pas caché".
_CLITICS = every("clitics")
# How a woman inhabitant's name ends in French ("la Neuchâteloise", "la Lyonnaise", "la Parisienne"); the
# other forms are also those of places that speak for their government ("le Valais", "l'Ukraine").
_DEMONYM_ENDINGS = tuple(sorted(every("demonym_endings")))
_AGE_WORDS = every("age_words")  # "the 55-year-old Frenchman"
# Verbs giving their subject the title after them: "X became the party's leader", "X a été nommé ministre".
_BECOMING = every("becoming")
_AGENT_PREPOSITIONS = every("agent_prepositions")

_TERMINALS = frozenset({".", "!", "?", "…", ";", "...", "?!", "!?", "!!", "??"})

_WINDOW_AFTER = 20  # tokens read after a quote for its attribution (a name and its title fit)

_SPEAKER_KINDS = frozenset({"person", "organisation"})

# How sure each kind of evidence makes a speaker (QuoteSpan.confidence).
_SURE = 0.9  # a name as the subject of the speech verb, "selon X", "according to X"
_SPOKESPERSON = 0.85  # "a spokesman for X"
_SURNAME = 0.8  # a name the entity model missed, matched to the one person with that surname
_ROLE = 0.8  # a title matched to the role the article gives someone
_PRONOUN = 0.75  # a pronoun resolved to the nearest fitting person
_COLON = _SEAT = _NAMED_AGAIN = 0.7  # a subject before a colon, "l'Élysée", "le ministère" (a word of its name)
# "the company", "la banque": the latest organisation, whatever its name, a guess (wrong 3 times in 12 on the tuning
# articles: a subsidiary named last, or the company meant one the entity model never tagged).
_LATEST_ORGANISATION = 0.6
_NEIGHBOUR = 0.6  # no cue of its own: the quote before it, or the speaker of the sentence before it
_NEAREST_SUBJECT = 0.6  # a title no one holds: the subject of the nearest sentence naming a person

# The evidence a speaker was found by (QuoteSpan.evidence); a speaker taken from another attribution is
# "<how> < <that attribution's evidence>" ("previous quote < pronoun").
NAME = "name"  # a person or organisation named as the subject of the speech verb, or after "selon", "according to"
PRONOUN = "pronoun"  # a pronoun, resolved to the person it stands for
SURNAME = "surname"  # a name the entity model missed, matched to the one person with that surname
SEAT = "seat"  # a seat of government or a place as the subject ("a déclaré l'Élysée")
IMPERSONAL = "impersonal"  # « on »: the institution named after the cue, or that of the quote before
PASSIVE_AGENT = "passive agent"  # "X a été accusé de « … » par Y"
SPOKESPERSON = "spokesperson"  # "a spokesman for X", "un porte-parole du groupe"
ISSUER = "issuer"  # "the Acme statement said", "le communiqué de X précise": the organisation that issued it
TITLE_HELD = "title held"  # a title matched to the role the article gives someone
TITLE_NEAREST = "title, nearest person"  # a title no one holds: the person the article is about there
DESCRIPTION = "description"  # "the actor", "la Neuchâteloise", "the 55-year-old": the person the article is about
NAMED_AGAIN = "organisation named again"  # "the company": the latest organisation that fits
NAMED_NEXT = "organisation named next"  # "le syndicat" with the organisation opening the next sentence
COLON = "colon"  # no speech verb: the subject of the sentence before a colon
SENTENCE_AFTER = "sentence after"  # '"…." Smith said the firm would grow': a new sentence after the quote
ADJACENT_QUOTE = "adjacent quote"  # one utterance in two pieces: the cue of the piece next to it
NEXT_QUOTE_IN_SENTENCE = "next quote in sentence"  # "« A », les ventes … « B », estime X"
SENTENCE_BEFORE = "sentence before"  # "…, Howard said. "…"": the reporter's sentence right before
FRAGMENT_SUBJECT = "fragment subject"  # a fragment with no cue: its sentence's active subject
PREVIOUS_QUOTE = "previous quote"  # a statement with no cue continuing the quote before it
HEADING = "heading"  # a quote alone on its line, as a heading: the later quote repeating its words


def _via(how: str, source: "_Quote | _Attribution") -> str:
    """The evidence of a speaker taken ``how`` from ``source``'s attribution, which may itself be taken from
    another: only the first evidence is kept behind ``how`` ("previous quote < pronoun")."""
    first = source.evidence.rpartition(" < ")[2]
    return how if first == NAME else f"{how} < {first}"


@dataclass(frozen=True)
class _Mark:
    pos: int
    family: str  # "guillemet", "curly", "straight", "angle", "single"
    side: str  # "open", "close" or "both" (direction told by pairing only)


@dataclass
class _Quote:
    open: int  # position of the opening mark
    close: int  # position of the closing mark, or where the quote was cut
    closed: bool  # an explicit closing mark ends it
    start: int  # the quoted words
    end: int
    t0: int = 0  # its tokens, end exclusive
    t1: int = 0
    kind: str = "fragment"
    speaker: int | None = None
    cue: str = ""
    role: str = ""
    attributed: bool = False  # a speech verb or "selon" was found for it
    confidence: float = 0.0  # of the speaker, when there is one
    by_verb: bool = False  # … and it was a speech verb
    evidence: str = ""  # how the speaker was found (NAME, PRONOUN, …)
    cue_after: bool = False  # … written after the quote ("« … », a-t-il dit")


@dataclass(frozen=True)
class _Attribution:
    speaker: int | None
    cue: str
    role: str = ""
    by_verb: bool = True  # False for "selon X", "according to X", "pour X"
    # How sure the speaker is: a name as the verb's subject is surer than a pronoun, a title or a neighbour.
    confidence: float = 0.9
    evidence: str = NAME
    after: bool = False  # the cue comes after the quote


@dataclass
class _Context:
    doc: Doc
    text: str
    lexicon: Lexicon | None
    limit: int
    idx: list[int]
    ends: list[int]
    lower: list[str]
    pos: list[str]
    para: list[int]  # paragraph number of each token
    sent: list[int]  # sentence number of each token
    owner: list[MentionSpan | None]  # the mention covering each token
    mentions: list[MentionSpan]  # in text order
    groups: Sequence[ActorGroup]
    roles: Sequence[RoleSpan]
    quote_of: list[int] = field(default_factory=list)  # token → index of the quote containing it, or -1
    quotes: list[_Quote] = field(default_factory=list)
    opens: frozenset[int] = frozenset()  # char positions of opening marks
    free: list[MentionSpan] = field(default_factory=list)  # mentions outside quotes, in text order
    free_starts: list[int] = field(default_factory=list)
    free_tokens: list[int] = field(default_factory=list)
    person_starts: dict[int, list[int]] = field(default_factory=dict)  # person group → its free mentions' starts
    descriptions: frozenset[int] = frozenset()  # starts of "person" mentions that only describe someone
    genders: dict[int, str] = field(default_factory=dict)
    morphs: dict[int, str] = field(default_factory=dict)  # read on demand: few tokens need it

    def morph(self, i: int) -> str:
        if i not in self.morphs:
            self.morphs[i] = str(self.doc[i].morph)
        return self.morphs[i]

    def finite(self, i: int) -> bool:
        return "VerbForm=Fin" in self.morph(i)

    def is_boundary(self, i: int) -> bool:
        return self.lower[i] in _TERMINALS or "\n" in self.lower[i]


def _describes(ctx: _Context, mention: MentionSpan) -> bool:
    """A one-word "person" after a determiner is a description the entity model took for a name ("the
    Scot"), and so is a one-word place that reads as an inhabitant ("la Neuchâteloise") and
    any one word given an age ("the 55-year-old Frenchman"): it stands for someone, it names no one."""
    first = bisect_left(ctx.idx, mention.start)
    if bisect_left(ctx.idx, mention.end) - first != 1:
        return False
    k = first - 1
    while k >= 0 and first - k <= 6 and (ctx.pos[k] in ("ADJ", "NUM") or ctx.lower[k] in _AGE_WORDS):
        k -= 1
    if k < 0 or not (ctx.lower[k] in ctx.lexicon.determiners or ctx.lower[k] in ctx.lexicon.indefinites):
        return False
    aged = any(ctx.lower[j] in ("old", "ans") for j in range(k + 1, first))
    word = _fold(ctx.lower[first])
    masculine = word in ctx.lexicon.demonyms and ctx.lower[k] not in ctx.lexicon.feminine_determiners
    demonym = mention.kind in ("place", "other") and (word.endswith(_DEMONYM_ENDINGS) or masculine)
    return mention.kind == "person" or demonym or aged


def _is_description(ctx: _Context, mention: MentionSpan) -> bool:
    return mention.start in ctx.descriptions


def _opens_sentence(ctx: _Context, quote: _Quote) -> bool:
    i = quote.open - 1
    while i >= 0 and ctx.text[i] in " \t\u00a0\u202f":
        i -= 1
    return i < 0 or ctx.text[i] in "\n.!?…:—–-"


def _clause_floor(ctx: _Context, i: int, reach: int = 300) -> int:
    """First token of the sentence holding token i, read back over quotes; a paragraph ending in a
    colon ("X said:\\n"…"") introduces the next one and belongs to its sentence."""
    stop = i - reach  # copy without punctuation (a list, a table) must not make this quadratic
    while i >= 0:
        if i <= stop:
            return i + 1
        if ctx.quote_of[i] >= 0:
            quote = ctx.quotes[ctx.quote_of[i]]
            if ctx.text[quote.start : quote.end][-1:] in ".!?…":
                return i + 1  # « … le mieux. » Après …: the quote ended the sentence
            i = bisect_left(ctx.idx, quote.open) - 1
            continue
        if "\n" in ctx.lower[i]:
            k = i - 1
            while k >= 0 and not ctx.lower[k].strip():
                k -= 1
            if k >= 0 and ctx.lower[k] == ":":
                i = k - 1
                continue
            return i + 1
        if ctx.lower[i] in _TERMINALS:
            return i + 1
        i -= 1
    return 0


def _is_time(ctx: _Context, i: int) -> bool:
    return ctx.lower[i] in _TIME_WORDS or ctx.doc[i].ent_type_ in ("DATE", "TIME")


def _foreign(ctx: _Context, i: int, quote: _Quote) -> bool:
    """Token i is inside a quote other than ``quote``: an attribution never reads into one."""
    n = ctx.quote_of[i]
    return n >= 0 and ctx.quotes[n] is not quote


def _person_by_surname(ctx: _Context, i: int) -> int | None:
    """A name the entity model missed ("Mr Gates insisted"): the one person of the article whose name
    ends with that word."""
    word = _fold(ctx.lower[i])
    if not ctx.text[ctx.idx[i]].isupper():
        return None
    found = {
        n
        for n, group in enumerate(ctx.groups)
        if group.kind == "person"
        and any(_fold(surface).split()[-1:] == [word] for surface in (group.name, *group.surfaces))
    }
    return found.pop() if len(found) == 1 else None


def _sentence_start(ctx: _Context, i: int) -> int:
    """First token after the sentence end or line break before token i."""
    k = i - 1
    while k >= 0 and i - k < 200 and not (ctx.is_boundary(k) and ctx.quote_of[k] < 0):
        k -= 1
    return k + 1


def _mentions_back(ctx: _Context, last: int):
    """Mentions outside quotes (a name inside a quote is not the speaker) ending before token ``last``,
    nearest first, with the token each starts at."""
    end = ctx.idx[last] if last < len(ctx.idx) else ctx.limit
    for n in range(bisect_left(ctx.free_starts, end) - 1, -1, -1):
        mention = ctx.free[n]
        if mention.end <= end:
            yield mention, ctx.free_tokens[n]


def _is_title_head(ctx: _Context, i: int) -> bool:
    word, pos = ctx.lower[i], ctx.pos[i]
    if ctx.owner[i] is not None:
        return False
    return (
        word in ctx.lexicon.titles
        and pos in ("NOUN", "PROPN", "ADJ")
        or (word in ctx.lexicon.person_nouns and pos in ("NOUN", "PROPN"))
    )


def _fold(words: str) -> str:
    decomposed = unicodedata.normalize("NFD", words.replace("\u2019", "'").casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
