"""From a spaCy Doc to clean mention spans.

The statistical model finds most names but draws sloppy borders ("A Lyon",
"la France", "Coupe du monde … de l'année prochaine"), tags sentence-initial
common words ("Hommage") and titles ("Le ministre belge"), and is
inconsistent about a surname's kind from one sentence to the next. The rules
here are generic: word lists of determiners, prepositions, titles and event
nouns, the model's own lexicon, and evidence from the same document. None
names a person, place or organisation.
"""

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .lexicon import CLOSING_QUOTES, NAME_PARTICLES, OPENING_QUOTES, TITLE_PREFIXES, every
from .names import acronym_match
from .normalise import is_acronym, normalise_surface, normalise_text
from .titles import FUNCTION_WORDS, TITLES, apposition

RULE_ID_PREFIX = "rule:"
_CASED = ":cased"

LABEL_KINDS = {
    "PER": "person",
    "PERSON": "person",
    "ORG": "organisation",
    "LOC": "place",
    "GPE": "place",
    "FAC": "place",
    "EVENT": "event",
    "MISC": "other",
    "WORK_OF_ART": "other",
    "LAW": "other",
    "PRODUCT": "other",
    # Nationalities and groups the English model labels as such ("French",
    # "Kenyan", "Hutus"): not actors, but named things a reader looks for, and
    # counted as MISC by the usual English references. The French model has no
    # such label and tags demonyms LOC; those are dropped (_is_demonym).
    # LANGUAGE and the numeric labels are dropped.
    "NORP": "other",
}
# Label a ruler pattern with the model's own name for the kind when it has one,
# so components reading doc.ents see familiar labels.
_KIND_LABELS = {
    "person": ("PER", "PERSON"),
    "organisation": ("ORG",),
    "place": ("LOC", "GPE"),
    "event": ("EVENT", "MISC"),
    "other": ("MISC", "PRODUCT"),
}

DETERMINERS = every("articles")
PREPOSITIONS = every("prepositions")
PRONOUNS = every("pronouns")
# Head nouns of named events ("Jeux olympiques", "Coupe du monde de rugby", "Cannes Film Festival"), of
# organisations for spans the model left as MISC ("France Presse"), of institutions named by a common noun
# plus a portfolio ("ministère … de l'Intérieur").
EVENT_HEADS = every("event_heads")
ORGANISATION_HEADS = every("organisation_heads")
INSTITUTION_HEADS = every("institution_heads")
_NAMED_HEADS = ORGANISATION_HEADS | INSTITUTION_HEADS
# A trailing "de l'année prochaine" is a date, not part of the event's name.
TIME_WORDS = every("time_nouns")
# "le département de X": the kind of place, not its name; "l'État": a common noun, not a name.
PLACE_NOUNS = every("place_nouns")
CAPITALISED_NOUNS = every("capitalised_nouns")
# "le parti écologiste X", "X, une société …": an organisation named after the common noun of its kind.
ORGANISATION_NOUNS = every("organisations")
_APPOSITION_DETERMINERS = DETERMINERS | every("indefinites")

_EDGE_LEAD = "-–—,;:!?«»\"()[]*•/|'"
_EDGE_TRAIL = "-–—,;:!?«»\"([]*•/|'"
# "(" is left out: "(SEC)" introduces an acronym, not a sentence.
_SENTENCE_OPENERS = frozenset({"«", '"', "—", "–", "-", ":", "•", "*", "'"})


@dataclass(frozen=True)
class Lexicon:
    """Common words of a language, from the model's lemmatizer tables."""

    common: frozenset[str] = frozenset()
    adjectives: frozenset[str] = frozenset()


def lexicon_for(nlp: Language) -> Lexicon:
    """The common-word lexicon a spaCy pipeline ships, or an empty one."""
    if "lemmatizer" not in nlp.component_names:
        return Lexicon()
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return Lexicon()
    index = lookups.get_table("lemma_index")
    words: dict[str, frozenset[str]] = {}
    for pos in ("noun", "adj", "verb", "adv"):
        words[pos] = frozenset(index[pos]) if pos in index else frozenset()
    return Lexicon(common=frozenset().union(*words.values()), adjectives=words["adj"])


@dataclass(frozen=True)
class Candidate:
    """A mention before grouping; offsets index the doc's text."""

    start: int
    end: int
    text: str
    kind: str
    origin: str


def ruler_patterns(aliases: Iterable[tuple[str, str]], labels: Sequence[str]) -> list[dict]:
    """EntityRuler patterns (matched on LOWER) for the registry's aliases."""
    patterns = []
    seen = set()
    for surface, kind in aliases:
        if kind not in _KIND_LABELS:
            continue
        text = " ".join(normalise_text(surface).split())
        # An alias written with a capital names something only where the text
        # has one too: "Le Monde" must not claim "le monde entier".
        rule_id = RULE_ID_PREFIX + kind + (_CASED if any(ch.isupper() for ch in text) else "")
        label = next((lab for lab in _KIND_LABELS[kind] if lab in labels), kind.upper())
        variants = [text]
        words = text.split(" ", 1)
        if words[0] in DETERMINERS and len(words) == 2:
            variants.append(words[1])  # "la France" as written; "France" is the name
        elif text[:2] == "l'" and len(text) > 2:
            variants.append(text[2:])
        for variant in variants:
            if variant.lower() not in seen:
                seen.add(variant.lower())
                patterns.append({"label": label, "pattern": variant, "id": rule_id})
    return patterns


def extract_mentions(
    doc: Doc,
    *,
    lexicon: Lexicon = Lexicon(),
    rejected: frozenset[tuple[str, str]] = frozenset(),
    content_end: int | None = None,
    titles_inside: bool = False,
) -> list[Candidate]:
    """Repaired, filtered, kind-fixed mentions of ``doc``, in text order, never overlapping.

    ``titles_inside``: the desk writes a person's title inside the mention ("président Jean Dupuis"),
    a convention learned from its editors (TITLES_IN_PERSONS); by default it stays outside.
    """
    candidates = []
    text = doc.text  # Doc.text joins every token: build it once, not per entity
    for ent in doc.ents:
        if ent.ent_id_.startswith(RULE_ID_PREFIX):
            found = _from_rule(ent)
            candidates.extend([found] if found is not None else [])
        else:
            candidates.extend(found for part in _paragraphs_of(ent) for found in _from_model(part, lexicon, text))
    candidates = _with_layout(candidates, text)
    candidates = _echoed_in_capitals(candidates, text)
    candidates = _after_place_nouns(candidates, text)
    if content_end is not None:
        candidates = [c for c in candidates if c.end <= content_end]
    candidates = _joined_by_acronym(candidates, text)
    candidates = _introduced_organisations(candidates, doc)
    candidates = _fix_kinds(candidates, text)
    candidates = [c for c in candidates if not _is_rejected(c, rejected)]
    if titles_inside:
        candidates = [_with_title(doc, c) if c.kind == "person" else c for c in candidates]
    return _without_overlaps(candidates)


# A dispatch's dateline, on a line of its own or opening the first paragraph: the place in capitals, perhaps its
# region, then the date ("LONDON 2024-03-01", "ST. LOUIS, Mo., March 1"). It comes before the story, after
# its headline and byline: it is looked for in the first DATELINE_LINES lines only (further down, "UPDATE,
# March 3" would be a place).
DATELINE_LINES = 5
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'-]*[A-Z.](?: [A-Z][A-Z.'-]*[A-Z.])*)"
    r"(?: ?, (?P<region>[A-Z][a-z]+(?: [A-Z][a-z]+)*)(?: ?\.)?)? ?,? "
    rf"(?:\d{{4}}-\d\d-\d\d|(?:{_MONTHS})[a-z]*\.? \d{{1,2}})\b",
    re.MULTILINE,
)
# A line of a results table names teams: a score line ("Hull 0 Barnet 2") or a standings line, the team and
# at least three figures ("Hull 3 2 0 1 5 2 6", "NEW YORK 73 61 .545 2 1/2").
_TEAM = r"[A-Z][\w.'&-]*(?: (?:[A-Z][\w.'&-]*|of|'s))*"
_SCORE_LINE = re.compile(rf"^(?P<home>{_TEAM}) \d{{1,3}} (?P<away>{_TEAM}) \d{{1,3}}[ \t]*$", re.MULTILINE)
_STANDINGS_LINE = re.compile(rf"^(?P<team>{_TEAM})(?: (?:\d{{1,3}}|\.\d{{3}}|\d/\d|-)){{3,}}[ \t]*$", re.MULTILINE)
# A line of a ranking: the rank, a competitor's name and the country in parentheses ("3. Jan Holt (Norland)
# 12.92"); the model reads many such names, out of a sentence, as organisations, or misses them.
_NAME = r"[A-Z][\w.'-]*(?: (?:[a-z]{1,4} )?[A-Z][\w.'-]*)*"
_RANKED_LINE = re.compile(rf"^\d{{1,3}}\. +(?P<person>{_NAME}) *\( *(?P<country>{_NAME}) *\)", re.MULTILINE)


def _with_layout(candidates: list[Candidate], text: str) -> list[Candidate]:
    """Places of a dateline, teams of a results table and competitors of a ranking, which the layout names
    better than the model reads them (it misses a city in capitals, takes a club named after its town for the
    town, a runner for a company): they replace what the model found over them."""
    top = _lines_end(text, DATELINE_LINES)
    found = [
        Candidate(m.start(group), m.end(group), m.group(group), kind, "rule")
        for pattern, kind, groups in _LAYOUTS
        for m in pattern.finditer(text, 0, top if pattern is _DATELINE else len(text))
        for group in groups
        if m.group(group)
    ]
    if not found:
        return candidates
    return _over_model(candidates, found)


# "the town of Vilaro", "la commune de Vilaro": the kind of place, lower case, names a place after it.
_PLACE_NAMED = re.compile(
    r"(?<![\w-])(?:" + "|".join(sorted(map(re.escape, PLACE_NOUNS))) + r") (?:of |de |d')"
    r"(?P<place>[A-ZÀ-Þ][\w'-]*(?: [A-ZÀ-Þ][\w'-]*)*)"
)


def _after_place_nouns(candidates: list[Candidate], text: str) -> list[Candidate]:
    """A name after a kind of place and "of" is that place, which the model often reads as an organisation or
    misses; the model's own borders are kept where its mention starts there ("the city of St. Petersburg"). A
    mention that starts before the kind of place ("Acme Inc of the town of Vilaro") is left as it is."""
    found = []
    for m in _PLACE_NAMED.finditer(text):
        start, end = m.span("place")
        over = [c for c in candidates if c.start < end and start < c.end]
        if any(c.start < start or c.origin != "model" for c in over):
            continue
        end = max([end] + [c.end for c in over if c.start == start])
        found.append(Candidate(start, end, text[start:end], "place", "rule"))
    return _over_model(candidates, found) if found else candidates


def _lines_end(text: str, lines: int) -> int:
    """Where the text's first ``lines`` lines end."""
    end = -1
    for _ in range(lines):
        end = text.find("\n", end + 1)
        if end < 0:
            return len(text)
    return end


def _echoed_in_capitals(candidates: list[Candidate], text: str) -> list[Candidate]:
    """A headline in capitals names what the article names below it ("STORM HITS KORVALA" over "… in Korvala"):
    the model, which reads case, misses most names there, so the article's own mentions are looked for in it,
    with the kind they have below, over what the model found there."""
    lines = [m for m in re.finditer(r"[^\n]+", text) if _in_capitals(m.group())]
    names = _kinds_in_lower_case(candidates)
    if not lines or not names:
        return candidates
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")(?!\w)")
    found = [
        Candidate(line.start() + m.start(), line.start() + m.end(), line.group()[m.start() : m.end()],
                  names[m.group()].most_common(1)[0][0], "model")
        for line in lines
        for m in pattern.finditer(line.group().upper())
    ]
    return _over_model(candidates, found)


def _over_model(candidates: list[Candidate], found: list[Candidate]) -> list[Candidate]:
    """``found`` in place of the model's candidates they overlap."""
    kept = [c for c in candidates if c.origin != "model" or all(c.end <= f.start or f.end <= c.start for f in found)]
    return sorted(kept + found, key=lambda c: c.start)


def _kinds_in_lower_case(candidates: list[Candidate]) -> dict[str, Counter]:
    """The kinds of the mentions not written in capitals, by their surface in capitals; a person's surname
    alone too, as a headline writes it ("HOLT WINS")."""
    names: dict[str, Counter] = {}
    for c in candidates:
        surfaces = (c.text, c.text.split()[-1]) if c.kind == "person" else (c.text,)
        for surface in surfaces:
            if surface.upper() != surface and len(surface.upper()) == len(surface):
                names.setdefault(surface.upper(), Counter())[c.kind] += 1
    return names


def _in_capitals(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    if len(line.upper()) != len(line):
        return False  # "ß" upper-cased is "SS": the line's offsets would move
    return len(letters) > 3 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


_LAYOUTS = (
    (_DATELINE, "place", ("place", "region")),
    (_SCORE_LINE, "organisation", ("home", "away")),
    (_STANDINGS_LINE, "organisation", ("team",)),
    (_RANKED_LINE, "person", ("person",)),
    (_RANKED_LINE, "place", ("country",)),
)


def _with_title(doc: Doc, c: Candidate) -> Candidate:
    """The person's mention from the title written before the name: "le président Jean Dupuis", "M. Dupuis",
    "les conseillers fédéraux Jean Dupuis" (lower-case adjectives between the title and the name)."""
    first = doc.char_span(c.start, c.end, alignment_mode="expand").start
    i = first
    while i > 0 and doc[i - 1].is_lower and doc[i - 1].pos_ == "ADJ" and doc[i - 1].whitespace_ == " ":
        i -= 1
    start = i
    while start > 0 and doc[start - 1].lower_ in TITLES and doc[start - 1].whitespace_ == " ":
        start -= 1
    if start == i or apposition(doc[start - 1].text if start else "", doc[start].lower_):
        return c
    begin = doc[start].idx
    return Candidate(begin, c.end, doc.text[begin : c.end], c.kind, c.origin)


def _from_rule(ent: Span) -> Candidate | None:
    rule = ent.ent_id_[len(RULE_ID_PREFIX) :]
    kind = rule.removesuffix(_CASED)
    if rule != kind and not any(ch.isupper() for ch in ent.text):
        return None
    start = ent.start
    if ent.end - start > 1 and ent[0].is_lower and ent[0].lower_ in DETERMINERS:
        start += 1  # "la France" matched by the alias "La France"
    span = ent.doc[start : ent.end]
    return Candidate(span.start_char, span.end_char, span.text, kind, "rule")


def _paragraphs_of(ent: Span) -> list[Span]:
    """A name never runs over a blank line: the model's span is read paragraph by paragraph (a heading and the
    paragraph under it). A single line break stays inside: a hard-wrapped article breaks lines inside names."""
    doc, parts, start = ent.doc, [], ent.start
    for i in range(ent.start, ent.end + 1):
        if i == ent.end or (doc[i].is_space and doc[i].text.count("\n") > 1):
            parts += [Span(doc, start, i, label=ent.label)] if start < i else []
            start = i + 1
    return parts


def _from_model(ent: Span, lexicon: Lexicon, doc_text: str) -> list[Candidate]:
    kind = LABEL_KINDS.get(ent.label_)
    if kind is None:
        return []
    doc = ent.doc
    lead = ent.start
    while lead < ent.end and (doc[lead].lower_ in DETERMINERS or doc[lead].is_punct):
        lead += 1
    if lead < ent.end and _is_role(doc[lead : ent.end]):
        return []
    start, end = _repair(doc, ent.start, ent.end, kind)
    if start >= end:
        return []
    found = []
    if kind == "person" and _leading_nationality(doc[start:end], lexicon):
        # "Briton Jane Holt": a nationality before the name, as a title would be.
        word = doc[start]
        found.append(Candidate(word.idx, word.idx + len(word), word.text, "other", "model"))
        start += 1
    candidate = _model_candidate(ent, doc[start:end], kind, lexicon, doc_text)
    return found + ([candidate] if candidate is not None else [])


def _leading_nationality(span: Span, lexicon: Lexicon) -> bool:
    # Capitalised, an adjective of the language, and followed by a first name and a surname.
    first = span[0]
    rest = span[1:]
    return (
        len(rest) >= 2
        and first.is_title
        and first.lower_ in lexicon.adjectives
        and all(tok.is_title for tok in rest)
    )


def _model_candidate(ent: Span, span: Span, kind: str, lexicon: Lexicon, doc_text: str) -> Candidate | None:
    doc = ent.doc
    start, end = span.start, span.end
    if ent.label_ == "MISC":
        kind = _misc_kind(span)
    if kind == "organisation":
        end = _with_adjectives(span)
        span = doc[start:end]
    if kind in ("event", "other"):
        end = _without_time_tail(span)
        span = doc[start:end]
    char_start, char_end = _trim_chars(doc_text, span.start_char, span.end_char)
    if char_end - char_start < 2:
        return None
    text = doc_text[char_start:char_end]
    if _is_junk(span, text, kind, lexicon, label=ent.label_):
        return None
    return Candidate(char_start, char_end, text, kind, "model")


def _repair(doc: Doc, start: int, end: int, kind: str) -> tuple[int, int]:
    if kind == "organisation":
        start = _extend_institution(doc, start)
    elif kind == "place":
        start = _after_place_noun(doc, start, end)
    # The last token always stays: "LA" alone is Los Angeles, not an article.
    while start < end - 1:
        tok = doc[start]
        low = tok.lower_
        if tok.is_space or tok.is_punct or (kind == "person" and _is_figure(tok)):
            start += 1  # "286 Jan Holt": a total or a rank before a name
        elif low in DETERMINERS:
            # "selon Le Monde", «Le Parisien»: a capital determiner inside a sentence, or opening
            # a name in quotation marks, is part of the name.
            if tok.is_title and start + 1 < end and doc[start + 1].is_title and (
                not _sentence_initial(tok) or _quoted(doc, start, end)
            ):
                break
            start += 1
        elif low in PREPOSITIONS and (tok.is_lower or _sentence_initial(tok)):
            if kind == "person" and tok.is_lower and low in NAME_PARTICLES and _capitalised(doc, start + 1, end):
                break  # "de Gaulle"
            start += 1
        elif kind == "person" and (low in TITLES or tok.is_lower):
            # "ministre Pierre Moscovici", "rappeur Kanye West", "M. Zberg"
            if tok.is_lower and low in NAME_PARTICLES and _capitalised(doc, start + 1, end):
                break
            if not any(_capitalised(doc, i, end) for i in range(start + 1, end)):
                break
            start += 1
        else:
            break
    while end > start:
        tok = doc[end - 1]
        if tok.is_space or tok.is_punct or (tok.is_lower and tok.lower_ in FUNCTION_WORDS) or tok.lower_ == "'s":
            end -= 1  # "Smith's" is Smith
        elif kind in ("person", "place") and _in_score(doc, end - 1):
            end -= 1  # "Holt 3-1", "Norland 2-0": the score after a name
        elif kind == "person" and end - 1 > start and not tok.text[:1].isupper() and doc[end - 2].whitespace_:
            # A name ends with a capital ("Dupuis m.", "Dupuis 86"), unless the
            # token is glued to it ("Chung Mong-koo").
            end -= 1
        else:
            break
    if kind == "person":
        end = _before_slash(doc, start, end)
    elif kind == "organisation":
        end = _before_holder_title(doc, start, end)
    return start, end


def _is_figure(tok: Token) -> bool:
    return any(ch.isdigit() for ch in tok.text) and not any(ch.isalpha() for ch in tok.text)


def _in_score(doc: Doc, i: int) -> bool:
    """A figure of a score or a bowler's analysis, figures joined by hyphens ("3-1", "8-0-37-2"); a figure alone
    after a name may be part of it ("Vert 30")."""
    tok = doc[i]
    if not _is_figure(tok):
        return False
    glued_after = not tok.whitespace_ and i + 1 < len(doc) and doc[i + 1].text == "-"
    glued_before = i > 0 and doc[i - 1].text == "-" and not doc[i - 1].whitespace_
    return "-" in tok.text or glued_after or glued_before


def _before_slash(doc: Doc, start: int, end: int) -> int:
    """A caption "Jane Smith/Acme Chief Counsel" (a name, a slash and the person's title, as a broadcast
    writes it) names Jane Smith: the name ends at the slash when a capitalised name comes before it."""
    for i in range(start + 1, end - 1):
        if doc[i].text == "/" and not doc[i - 1].whitespace_ and doc[i - 1].text[:1].isupper():
            return i
    return end


def _before_holder_title(doc: Doc, start: int, end: int) -> int:
    """"said Acme Co-Founder Jane Smith": a title the model ran into the organisation, right before the name of
    the person holding it, belongs to the person's phrase; the organisation ends before it."""
    title = doc[end - 1]
    if end - 1 <= start or end >= len(doc) or not doc[end].text[:1].isupper():
        return end
    if not title.is_title or title.lower_ not in TITLES:  # "Conseil général" keeps its adjective
        return end
    cut = end - 1
    while cut > start + 1 and (doc[cut - 1].lower_ in TITLES or doc[cut - 1].lower_ in TITLE_PREFIXES
                               or doc[cut - 1].text == "-" and not doc[cut - 1].whitespace_):
        cut -= 1
    if doc[cut - 1].text == "-":
        return end
    return cut


def _after_place_noun(doc: Doc, start: int, end: int) -> int:
    """"département de Vilaro", "base militaire de Vilaro", "the province of Vilaro": the place's name starts after
    the lower-case kind of place, its adjectives and the preposition, when a capital follows."""
    if not (doc[start].is_lower and doc[start].lower_ in PLACE_NOUNS):
        return start
    i = start + 1
    while i < end and doc[i].is_lower and doc[i].pos_ == "ADJ":
        i += 1
    if i + 1 < end and doc[i].lower_ in _COMPLEMENT_WORDS and doc[i + 1].text[:1].isupper():
        return i + 1
    return start


def _extend_institution(doc: Doc, start: int) -> int:
    # The model often tags only "de l'Intérieur" of "ministère belge de
    # l'Intérieur"; reach back over a few lower-case adjectives to the head.
    if doc[start].lower_ not in ("de", "du", "des", "d'"):
        return start
    i = start - 1
    while i >= 0 and start - i <= 3:
        tok = doc[i]
        if tok.lower_ in INSTITUTION_HEADS:
            return i
        if not (tok.is_lower and tok.is_alpha) or tok.lower_ in FUNCTION_WORDS:
            break
        i -= 1
    return start


def _quoted(doc: Doc, start: int, end: int) -> bool:
    return start > 0 and doc[start - 1].text in OPENING_QUOTES and end < len(doc) and doc[end].text in CLOSING_QUOTES


def _capitalised(doc: Doc, i: int, end: int) -> bool:
    return i < end and doc[i].text[:1].isupper()


def _sentence_initial(tok: Token) -> bool:
    if tok.i == 0 or tok.is_sent_start:
        return True
    doc = tok.doc
    prev = doc[tok.i - 1]
    if prev.is_space:
        return "\n" in prev.text
    if prev.text in ".!?…":
        return True
    # An opening quote or dash, not a hyphen inside a word ("ex-CIA").
    return prev.text in _SENTENCE_OPENERS and (prev.i == 0 or bool(doc[prev.i - 1].whitespace_))


def _is_role(span: Span) -> bool:
    # "Le ministre belge", "ministre des Affaires étrangères": a title
    # whose capitals, if any, come after a preposition. "Premier League" is
    # a name: a capital follows the title directly.
    if span[0].lower_ not in TITLES:
        return False
    for tok in span[1:]:
        if tok.lower_ in PREPOSITIONS:
            return True
        if tok.text[:1].isupper() and tok.lower_ not in TITLES:
            return False
    return True


def _misc_kind(span: Span) -> str:
    words = [t.lower_ for t in span if t.is_alpha]
    if words and (words[0] in EVENT_HEADS or words[-1] in EVENT_HEADS):
        return "event"
    if words and (words[0] in ORGANISATION_HEADS or words[-1] in ORGANISATION_HEADS):
        return "organisation"
    if len(span) == 1 and is_acronym(span.text):
        return "organisation"  # "BBC", "UEFA": acronyms tagged MISC are mostly organisations
    return "other"


def _with_adjectives(span: Span) -> int:
    # "Brigade criminelle", "Conseil constitutionnel": a capitalised head noun of
    # an organisation takes the adjectives written after it, where the model
    # stopped at the noun.
    doc, end = span.doc, span.end
    last = span[-1]
    if not (last.is_title and last.lower_ in _NAMED_HEADS):
        return end
    after = end
    while after < len(doc) and doc[after].pos_ == "ADJ" and doc[after].is_lower and doc[after - 1].whitespace_:
        after += 1
    # An adjective before a noun is that noun's ("Leeds University political adviser").
    if after < len(doc) and doc[after].pos_ in ("NOUN", "PROPN", "ADJ"):
        return end
    return after


def _without_time_tail(span: Span) -> int:
    # The right-most preposition: "Coupe … de football de l'année prochaine"
    # keeps "de football".
    for i in range(len(span) - 1, 0, -1):
        tok = span[i]
        if tok.lower_ in ("de", "d'", "du", "of"):
            tail = span[i + 1 :]
            if all(t.is_lower or t.is_punct for t in tail) and any(t.lower_ in TIME_WORDS for t in tail):
                return span.start + i
    return span.end


def _trim_chars(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE_LEAD:
        start += 1
    while end > start and (text[end - 1] in _EDGE_TRAIL or (text[end - 1] == ")" and "(" not in text[start:end])):
        end -= 1
    return start, end


def _is_junk(span: Span, text: str, kind: str, lexicon: Lexicon, *, label: str = "") -> bool:
    if not any(ch.isalpha() for ch in text) or not any(ch.isupper() for ch in text):
        return True  # "2024", "free lance": a name has a capital
    first = span[0]
    if text.endswith("'") or (first.lower_ in PRONOUNS and (first.is_lower or _sentence_initial(first))):
        return True  # "qu'", "C'", "Nous tenons"; "Il Sole 24 Ore" inside a sentence is a name
    if len(span) != 1:
        return False
    tok = span[0]
    low = tok.lower_
    if kind == "person" and tok.i > 0 and _is_elided_article(tok.doc[tok.i - 1]):
        return True  # "la Ligue des droits de l'Homme": an elided article is never written before a person's name
    if low in CAPITALISED_NOUNS:
        return True  # "l'État", "le chef de l'Etat"
    if label in _NAMING_LABELS:
        return False
    if tok.is_upper and len(text) > 4 and low in lexicon.common:
        return True  # headline words in capitals: "PHOTO", "SPORTS"; acronyms ("US", "SEC") are shorter
    if (
        _sentence_initial(tok)
        and tok.pos_ != "PROPN"
        and not tok.is_upper
        and low in lexicon.common
        and not _used_as_name_elsewhere(tok)
    ):
        return True  # "Hommage aux soignants …" opening a headline
    # "les Suisses", "l'Américain" tagged as places: inhabitants, not the place.
    return kind in ("place", "other") and _is_demonym(tok, lexicon)


# Labels of the English model that name what the common-word checks would
# take for a word: a nationality ("British minister …", written with a capital
# anywhere) and a country or city ("LONDON" over a dispatch): the English
# lexicon, drawn from WordNet, lists "london", "turkey" and "british" as words.
_NAMING_LABELS = frozenset({"NORP", "GPE"})


def _is_elided_article(tok: Token) -> bool:
    return tok.is_lower and tok.lower_ in DETERMINERS and tok.text.endswith("'") and not tok.whitespace_


def _used_as_name_elsewhere(tok: Token) -> bool:
    counts = tok.doc.user_data.get(_NON_INITIAL)
    if counts is None:
        # Counted once per document: checking every token per candidate is quadratic.
        counts = Counter(other.text for other in tok.doc if not _sentence_initial(other))
        tok.doc.user_data[_NON_INITIAL] = counts
    return counts[tok.text] - (0 if _sentence_initial(tok) else 1) > 0


_NON_INITIAL = "pressreview.non_initial_texts"


def _is_demonym(tok: Token, lexicon: Lexicon) -> bool:
    # "Suisses", "le Belge", "l'Américain", "la Franco-Marocaine": an
    # inhabitant, not the place. The lexicon lists adjectives in the masculine
    # singular, so the word is compared once its plural and feminine endings
    # are taken off. A country named like its adjective ("la Suisse") is
    # tagged PROPN and stays unless it ends like a demonym.
    low = tok.lower_
    head, _, tail = low.rpartition("-")
    if head and all(part.endswith("o") for part in head.split("-")):
        low = tail  # "franco-marocaine", "germano-américain": combining forms, then the demonym
    if "Plur" in tok.morph.get("Number") and low.endswith(("s", "x")):
        if low in lexicon.adjectives or low[:-1] in lexicon.adjectives:
            return True  # "Suisses"; "Français", "Chinois"
        if low.endswith("es") and low[:-2] in lexicon.adjectives:
            return True
        low = low[:-1]  # "Marocaines"
    if tok.pos_ == "NOUN" and low in lexicon.adjectives:
        return True
    return any(
        low.endswith(ending) and low[: len(low) - len(ending)] + lemma in lexicon.adjectives
        for ending, lemma in _DEMONYM_ENDINGS
    )


# Endings of demonyms, as written and in the masculine singular: "Italienne" is "italien".
_DEMONYM_ENDINGS = (("ienne", "ien"), ("ien", "ien"), ("aine", "ain"), ("ain", "ain"), ("aise", "ais"),
                    ("ais", "ais"), ("oise", "ois"), ("ois", "ois"), ("ande", "and"), ("and", "and"),
                    ("ole", "ol"), ("ol", "ol"), ("an", "an"))


def _fix_kinds(candidates: list[Candidate], text: str) -> list[Candidate]:
    candidates = _expanded_acronym_kinds(candidates, text)
    candidates = [_ranked_entry_kind(c, text) for c in candidates]
    # A surname the document also writes as part of a person's full name is
    # that person, whatever the model said in this sentence.
    surnames = set()
    for c in candidates:
        words = c.text.split()
        if c.kind == "person" and len(words) > 1:
            surnames.add(normalise_surface(words[-1]))
            surnames.add(normalise_surface(" ".join(words[1:])))
    fixed = []
    for c in candidates:
        if c.origin == "model" and c.kind != "person" and normalise_surface(c.text) in surnames:
            c = Candidate(c.start, c.end, c.text, "person", c.origin)
        fixed.append(c)
    return _majority_kinds(fixed)


# A line of a ranking: its rank ("12. ") before the name, and after it the competitor's country in
# parentheses ("(Esp)", "(Italie)") or the time behind the winner ("à 2'24", "at 2:24").
_RANK = re.compile(r"(?:^|[\s:;,.])\d{1,3}\.\s+$")
_ENTRY_TAIL = re.compile(r"\s*(?:\(\s*[A-Z][^\W\d_]*\s*[,)]|(?:à|at)\s+\d)")


def _ranked_entry_kind(c: Candidate, text: str) -> Candidate:
    """"3. Dupuis (Fr)", "15. Dupuis à 2'24": a name the model took for a place or a thing, in a ranking of
    competitors with their country or time, is a person (a team's name is left as the model read it)."""
    if c.origin != "model" or c.kind not in ("place", "other", "event"):
        return c
    if not _RANK.search(text, max(0, c.start - 8), c.start) or not _ENTRY_TAIL.match(text, c.end):
        return c
    return Candidate(c.start, c.end, c.text, "person", c.origin)


def _introduced_organisations(candidates: list[Candidate], doc: Doc) -> list[Candidate]:
    """"le parti écologiste Cap 21", "Vexa, une importante société …": a name the article introduces with the
    common noun of an organisation, right before it or in an apposition after it, is that organisation wherever
    the article writes it; the model reads many as places. A person keeps its kind ("le gouvernement Dupuis")."""
    named = {
        normalise_surface(c.text)
        for c in candidates
        if c.origin == "model" and c.kind != "person" and _introduced_as_organisation(doc, c)
    }
    return [
        Candidate(c.start, c.end, c.text, "organisation", c.origin)
        if c.origin == "model" and c.kind != "person" and normalise_surface(c.text) in named
        else c
        for c in candidates
    ]


def _introduced_as_organisation(doc: Doc, c: Candidate) -> bool:
    span = doc.char_span(c.start, c.end, alignment_mode="expand")
    before = span.start - 1
    while before >= 0 and doc[before].is_lower and doc[before].pos_ == "ADJ":
        before -= 1
    if before >= 0 and doc[before].is_lower and doc[before].lower_ in ORGANISATION_NOUNS:
        return True
    after = span.end + 2
    if after >= len(doc) or doc[span.end].text != "," or doc[span.end + 1].lower_ not in _APPOSITION_DETERMINERS:
        return False
    while after < len(doc) - 1 and doc[after].is_lower and doc[after].pos_ == "ADJ":
        after += 1
    return doc[after].is_lower and doc[after].lower_ in ORGANISATION_NOUNS


def _expanded_acronym_kinds(candidates: list[Candidate], text: str) -> list[Candidate]:
    # "les Fard (Forces armées de la République démocratique)", "l'Office
    # national des forêts (ONF)": the document spells the acronym
    # out, and the long name's kind, read from more words, is the acronym's
    # wherever the document writes it.
    kinds = {}
    for first, second in zip(candidates, candidates[1:], strict=False):
        if text[first.end : second.start].strip() != "(" or text[second.end : second.end + 1] != ")":
            continue
        for short, long in ((first, second), (second, first)):
            if short.kind != long.kind and long.origin == "model" and acronym_match(_letters(short), long.text):
                kinds[normalise_surface(short.text)] = long.kind
    if not kinds:
        return candidates
    return [
        Candidate(c.start, c.end, c.text, kinds[normalise_surface(c.text)], c.origin)
        if c.origin == "model" and normalise_surface(c.text) in kinds
        else c
        for c in candidates
    ]


def _letters(short: Candidate) -> str:
    # French writes an acronym read as a word with one capital: "Unesco", "Fard".
    return short.text.upper() if short.text.isalpha() and short.text.istitle() else short.text


def _joined_by_acronym(candidates: list[Candidate], text: str) -> list[Candidate]:
    """"la Fédération des amis de Jean Dupuis (Fajd)": an organisation's name that holds a person's, which the
    model read as an organisation and a person side by side, is one organisation when the acronym in parentheses
    after them spells both and not the first alone."""
    out, i = [], 0
    while i < len(candidates):
        if i + 2 < len(candidates) and _spelled_together(*candidates[i : i + 3], text):
            first, second = candidates[i], candidates[i + 1]
            out.append(Candidate(first.start, second.end, text[first.start : second.end], first.kind, first.origin))
            i += 2
        else:
            out.append(candidates[i])
            i += 1
    return out


def _spelled_together(first: Candidate, second: Candidate, short: Candidate, text: str) -> bool:
    if first.kind != "organisation" or first.origin != "model" or second.origin != "model":
        return False
    between = text[first.end : second.start]
    if not between.startswith(" ") or not all(w in _COMPLEMENT_WORDS for w in between.replace("'", "' ").split()):
        return False  # "… des comités Jean Dupuis", "… des amis de Jean Dupuis"
    if text[second.end : short.start].strip() != "(":
        return False
    if text[short.end : short.end + 1] != ")":
        return False
    letters = _letters(short)
    return bool(acronym_match(letters, text[first.start : second.end])) and not acronym_match(letters, first.text)


def _majority_kinds(candidates: list[Candidate]) -> list[Candidate]:
    # One surface, one kind per article: the model's most frequent reading wins.
    votes: dict[str, Counter] = {}
    for c in candidates:
        if c.origin == "model":
            votes.setdefault(normalise_surface(c.text), Counter())[c.kind] += 1
    out = []
    for c in candidates:
        ranked = votes.get(normalise_surface(c.text))
        if c.origin == "model" and ranked and len(ranked) > 1:
            (best, n), (_, m) = ranked.most_common(2)
            if n > m and best != c.kind:
                c = Candidate(c.start, c.end, c.text, best, c.origin)
        out.append(c)
    return out


def _is_rejected(c: Candidate, rejected: frozenset[tuple[str, str]]) -> bool:
    if not rejected:
        return False
    surface = normalise_surface(c.text)
    return (surface, "") in rejected or (surface, c.kind) in rejected


def _without_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    ordered = sorted(candidates, key=lambda c: (c.origin != "rule", c.start - c.end, c.start))
    kept: list[Candidate] = []
    for c in ordered:
        if all(c.end <= k.start or k.end <= c.start for k in kept):
            kept.append(c)
    return sorted(kept, key=lambda c: c.start)


GUARD_NAME = "knowledge_guard"
_COMPLEMENT_WORDS = frozenset({"de", "du", "des", "d'", "of"})


@Language.component(GUARD_NAME)
def knowledge_guard(doc: Doc) -> Doc:
    """Runs between the registry's ruler and the statistical model: drops a
    ruler match that is only part of a longer name, so that the model can
    still find the whole of it. A learned "Zurich" must not cut
    "Zurich-Kloten" in two, nor "Genève" take the end of "Tribune de Genève"."""
    kept, dropped = [], []
    text = doc.text  # Doc.text joins every token: once per doc, not per match
    for ent in doc.ents:
        (dropped if _part_of_longer_name(doc, text, ent) else kept).append(ent)
    if dropped:
        for ent in dropped:
            for token in ent:
                token.ent_id_ = ""  # what the model finds there is the model's, not the rule's
        doc.set_ents(kept, default="missing")  # missing, not "outside": the model may still tag them
    return doc


def _part_of_longer_name(doc: Doc, text: str, ent: Span) -> bool:
    start, end = ent.start_char, ent.end_char
    if start >= 2 and text[start - 1] == "-" and text[start - 2].isalnum():
        return True
    if end + 1 < len(text) and text[end] == "-" and text[end + 1].isalnum():
        return True
    # "<Capitalised> de [la|l'] <match>": the complement of a name, not sentence-initial.
    i = ent.start - 1
    if i >= 1 and doc[i].lower_ in DETERMINERS:
        i -= 1
    if i < 1 or doc[i].lower_ not in _COMPLEMENT_WORDS:
        return False
    head = doc[i - 1]
    return head.is_title and not head.is_sent_start and head.pos_ in ("PROPN", "NOUN")
