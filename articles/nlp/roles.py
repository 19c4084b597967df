"""Titles and roles written next to a person: "la ministre française de la Culture, Claire Dupont".

What ``find_roles`` guarantees:

- only mentions of kind "person" get roles, and only from a title phrase written right next to
  them: before the name ("le président français Emmanuel Macron", "the chancellor, Gordon
  Brown,"), or as an apposition after it ("Claire Dupont, ministre de la Culture, a …");
- a title never reaches its person across a sentence start, a line break, another mention or
  any word but a comma or a courtesy title ("Mr", "Mme"); a title with no person next to it
  ("le ministre a déclaré") gives nothing;
- a plural title gives its role to every person of the list it introduces ("les princesses
  marocaines A, B et C");
- ``title`` is sliced from the stored text, so it keeps the editor's typography ("’"); it
  never starts with a determiner or a possessive ("son homologue X" → "homologue") and never
  ends with punctuation or space; ``start``/``end`` index that text;
- each (person group, title) pair is returned once, at its first occurrence, titles compared
  case-insensitively and with apostrophes folded.

The dependency parser is not in the pipeline: the rules read tokens, POS tags, morphology,
sentence starts and entity labels, and a small lexicon of title head words per language. No
rule names a person, a country or a sentence. Languages without a lexicon get no roles.
Cost: one vectorised pass over the tokens to find head words, then a few tokens around each.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy
from spacy.attrs import LOWER
from spacy.strings import hash_string
from spacy.tokens import Doc, Token

from .lexicon import LEXICONS, TITLE_PREFIXES, Lexicon, every
from .types import MentionSpan, RoleSpan


@dataclass(frozen=True)
class _Lexicon:
    heads: frozenset[str]
    plural_heads: frozenset[str]
    # Heads that are only a title with a complement ("head of the BBC", not "his head").
    needs_complement: frozenset[str]
    # Words allowed before the head ("premier ministre", "ancien ministre"). English also
    # takes any adjective or noun there ("French Interior Minister", "finance minister").
    before: frozenset[str]
    open_before: bool
    # Words allowed after the head besides adjectives ("secrétaire général", "Attorney General").
    after: frozenset[str]
    open_after: bool  # French adjectives follow the noun: "ministre français"
    prepositions: frozenset[str]  # introduce a complement: "de l'Intérieur", "of State"
    conjunctions: frozenset[str]  # join portfolios: "de l'Europe et des Affaires étrangères"
    articles: frozenset[str]  # may open a complement's noun phrase
    definite_prepositions: frozenset[str]  # "du", "des": the article is inside the preposition
    # May stand between "X," and an apposed title ("Tony Blair, the prime minister"); a possessive
    # is dropped from the title ("son homologue").
    determiners: frozenset[str]
    courtesy: frozenset[str]  # between a title and a name: "the chancellor, Mr Brown"
    list_joiners: frozenset[str]  # "les princesses A, B et C"
    # "le fils du ministre, Paul Dupont": the name after the comma is the relative's.
    relatives: frozenset[str]
    negations: frozenset[str]  # "Pour Dupont, le président n'a pas …" opens a clause


def _roles_lexicon(lexicon: Lexicon, *, open_before: bool, open_after: bool) -> _Lexicon:
    """What the role rules read of a language's lexicon, and how its titles are written."""
    return _Lexicon(
        heads=lexicon.titles | lexicon.plural_titles | lexicon.title_tails | lexicon.needs_complement,
        plural_heads=lexicon.plural_titles,
        needs_complement=lexicon.needs_complement,
        before=lexicon.title_modifiers,
        open_before=open_before,
        after=lexicon.title_followers,
        open_after=open_after,
        prepositions=lexicon.title_prepositions,
        conjunctions=lexicon.portfolio_joiners,
        articles=lexicon.articles,
        definite_prepositions=lexicon.definite_prepositions,
        determiners=lexicon.determiners | lexicon.indefinites,
        courtesy=lexicon.courtesy,
        list_joiners=lexicon.list_joiners,
        relatives=lexicon.kin,
        negations=lexicon.negations,
    )


_LEXICONS = {
    "fr": _roles_lexicon(LEXICONS["fr"], open_before=False, open_after=True),
    "en": _roles_lexicon(LEXICONS["en"], open_before=True, open_after=False),
}

# French adjectives after a head that do not belong to the title ("le ministre lui-même").
_NOT_TITLE_ADJECTIVES = every("not_title_adjectives")
# A title must not swallow a date written before it: "Monday Prime Minister …".
_TIME_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
_NOUNS = frozenset({"NOUN", "PROPN"})
_MAX_BEFORE = 4  # modifiers before an English head: "Deputy Prime Minister", "French Interior Minister"
_MAX_COMPLEMENTS = 4


@dataclass(frozen=True)
class _Mention:
    start: int  # token offsets, end exclusive
    end: int
    mention: MentionSpan

    @property
    def is_person(self) -> bool:
        return self.mention.kind == "person"


@dataclass(frozen=True)
class _Phrase:
    start: int  # token offsets, end exclusive
    end: int
    plural: bool
    has_determiner: bool  # "le ministre …", "son homologue …" rather than a bare "ministre …"


def find_roles(doc: Doc, mentions: Sequence[MentionSpan], text: str) -> list[RoleSpan]:
    """Roles of the person mentions, in the order their titles appear in the text."""
    lexicon = _LEXICONS.get(doc.lang_)
    if lexicon is None or not len(doc) or not any(m.kind == "person" for m in mentions):
        return []
    heads = _head_positions(doc.to_array(LOWER), _HEAD_HASHES[doc.lang_])
    if not heads:
        return []
    owner = _mention_owners(doc, mentions)
    roles: list[RoleSpan] = []
    seen: set[tuple[int, str]] = set()
    for phrase in _title_phrases(doc, owner, lexicon, heads):
        people = _described_people(doc, owner, lexicon, phrase)
        if not people:
            continue
        start = doc[phrase.start].idx
        end = doc[phrase.end - 1].idx + len(doc[phrase.end - 1])
        title = text[start:end]
        key = " ".join(title.replace("\u2019", "'").casefold().split())
        for person in people:
            if (person.mention.group, key) not in seen:
                seen.add((person.mention.group, key))
                roles.append(RoleSpan(group=person.mention.group, title=title, start=start, end=end))
    return roles


def _mention_owners(doc: Doc, mentions: Sequence[MentionSpan]) -> list[_Mention | None]:
    # Token → the mention covering it: names stop every title phrase, and only persons get one.
    owner: list[_Mention | None] = [None] * len(doc)
    for mention in mentions:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None or not len(span):
            continue  # beyond the analysed text (the doc may stop at the boilerplate)
        entry = _Mention(span.start, span.end, mention)
        for i in range(span.start, span.end):
            owner[i] = entry
    return owner


def _joined(doc: Doc, i: int) -> bool:
    """Tokens i and i + 1 belong to the same sentence and line."""
    if i < 0 or i + 1 >= len(doc):
        return False
    nxt = doc[i + 1]
    return not nxt.is_sent_start and "\n" not in doc[i].whitespace_ and "\n" not in nxt.text


def _lower(token: Token) -> str:
    return token.lower_.replace("\u2019", "'")


def _head_hashes(lexicon: _Lexicon) -> numpy.ndarray:
    words = lexicon.heads | {f"{prefix}-{head}" for prefix in TITLE_PREFIXES for head in lexicon.heads}
    return numpy.array(sorted(hash_string(word) for word in words), dtype=numpy.uint64)


# Head words as the hashes of token.lower_: the article is scanned once, in numpy.
_HEAD_HASHES = {language: _head_hashes(lexicon) for language, lexicon in _LEXICONS.items()}


def _head_positions(words: numpy.ndarray, heads: numpy.ndarray) -> list[int]:
    """Positions of the ``words`` (hashes) found in ``heads`` (sorted hashes): a binary search
    each, a fraction of what numpy.isin spends sorting both arrays together for every article."""
    if not len(heads):
        return []
    found = numpy.searchsorted(heads, words)
    found[found == len(heads)] = 0
    return numpy.flatnonzero(heads[found] == words).tolist()


def _title_phrases(doc: Doc, owner: list[_Mention | None], lexicon: _Lexicon, heads: list[int]) -> list[_Phrase]:
    # One phrase per head word; a phrase inside a longer one ("général" in "secrétaire
    # général") is the same title read twice and is dropped.
    phrases: list[_Phrase] = []
    for i in heads:
        token = doc[i]
        if owner[i] is not None:
            continue
        after_determiner = i > 0 and _joined(doc, i - 1) and _lower(doc[i - 1]) in lexicon.determiners
        # "in general", "responsable de": the word must be used as a noun; a determiner
        # before it makes up for a mis-tag ("son homologue" tagged ADJ).
        if token.pos_ not in _NOUNS and not after_determiner:
            continue
        start = _extend_left(doc, owner, lexicon, i)
        end, has_complement = _extend_right(doc, owner, lexicon, i)
        if _lower(token) in lexicon.needs_complement and not has_complement:
            continue
        if phrases and phrases[-1].start <= start and end <= phrases[-1].end:
            continue
        while phrases and start <= phrases[-1].start and phrases[-1].end <= end:
            phrases.pop()
        has_determiner = start > 0 and _joined(doc, start - 1) and _lower(doc[start - 1]) in lexicon.determiners
        plural = _lower(token) in lexicon.plural_heads or token.morph.get("Number") == ["Plur"]
        phrases.append(_Phrase(start, end, plural, has_determiner))
    return phrases


def _extend_left(doc: Doc, owner: list[_Mention | None], lexicon: _Lexicon, head: int) -> int:
    start = head
    capitalised = doc[head].text[:1].isupper()
    for _ in range(_MAX_BEFORE):
        j = start - 1
        if not _joined(doc, j):
            break
        token = doc[j]
        if owner[j] is not None:
            mention = owner[j]
            # "Microsoft chief executive", "US Secretary of State": a name may qualify an
            # English title, a person's never does.
            if not lexicon.open_before or mention.is_person or mention.end != start:
                break
            if not all(_joined(doc, k) for k in range(mention.start, start)):
                break
            start = mention.start
            capitalised = True
            continue
        if _is_glue_hyphen(doc, j):
            start = j
            continue
        if _lower(token) in lexicon.before:
            start = j
            continue
        if not lexicon.open_before or token.ent_type_ in _TIME_LABELS:
            break
        if token.pos_ not in ("ADJ", "NOUN", "PROPN") or token.is_punct:
            break
        # "told reporters Prime Minister X", "at their launch Tory co-chairman X": lower-case
        # words before a capitalised part of a title belong to the sentence.
        upper = token.text[:1].isupper()
        if capitalised and not upper:
            break
        capitalised = capitalised or upper
        start = j
    if start < head and _is_glue_hyphen(doc, start):
        start += 1
    return start


def _is_glue_hyphen(doc: Doc, i: int) -> bool:
    # "vice-president" is three tokens in English; the hyphen binds only without spaces.
    return doc[i].text == "-" and i > 0 and not doc[i - 1].whitespace_ and not doc[i].whitespace_


def _extend_right(doc: Doc, owner: list[_Mention | None], lexicon: _Lexicon, head: int) -> tuple[int, bool]:
    """End of the title (exclusive) and whether it has a complement ("de l'Intérieur")."""
    end = head + 1
    complements = 0
    while _joined(doc, end - 1) and owner[end] is None:
        token = doc[end]
        word = _lower(token)
        if word in lexicon.after or (lexicon.open_after and token.pos_ == "ADJ" and word not in _NOT_TITLE_ADJECTIVES):
            end += 1
            continue
        if end + 1 < len(doc) and _is_glue_hyphen(doc, end) and _lower(doc[end + 1]) in lexicon.after:
            end += 2  # "President-elect"
            continue
        if complements >= _MAX_COMPLEMENTS:
            break
        nxt = _complement(doc, owner, lexicon, end, first=complements == 0)
        if nxt is None:
            break
        end = nxt
        complements += 1
    return end, complements > 0


def _complement(doc: Doc, owner: list[_Mention | None], lexicon: _Lexicon, i: int, *, first: bool) -> int | None:
    """End of a complement starting at token i ("de la diplomatie française"), or None."""
    word = _lower(doc[i])
    joined_list = False
    if word in lexicon.conjunctions:
        # "de l'Europe et des Affaires étrangères": a second portfolio, never a new clause.
        if first or not _joined(doc, i):
            return None
        i += 1
        word = _lower(doc[i])
        joined_list = True
    if word not in lexicon.prepositions or not _joined(doc, i):
        return None
    j = i + 1
    has_article = word in lexicon.definite_prepositions
    if _lower(doc[j]) in lexicon.articles and owner[j] is None:
        if not _joined(doc, j):
            return None
        has_article = True
        j += 1
    end = _noun_phrase(doc, owner, lexicon, j)
    if end is None:
        return None
    capitalised = doc[j].text[:1].isupper() or owner[j] is not None
    # Chained complements stay in the title only when they look like one: "d'état-major des
    # armées", "de l'Europe et des Affaires étrangères"; not "ministre de l'Intérieur de passage".
    if joined_list and not capitalised:
        return None
    if not first and not (has_article or capitalised):
        return None
    return end


def _noun_phrase(doc: Doc, owner: list[_Mention | None], lexicon: _Lexicon, i: int) -> int | None:
    """End of the noun phrase at token i, or None if there is none (a person, a verb …)."""
    if i >= len(doc):
        return None
    end = _french_noun_phrase(doc, owner, i) if lexicon.open_after else _english_noun_phrase(doc, owner, i)
    if end is None:
        return None
    while lexicon.open_after and _joined(doc, end - 1) and owner[end] is None:
        token = doc[end]
        word = _lower(token)
        if (token.pos_ != "ADJ" and word not in lexicon.after) or word in _NOT_TITLE_ADJECTIVES:
            break
        end += 1
    return end


def _french_noun_phrase(doc: Doc, owner: list[_Mention | None], i: int) -> int | None:
    # One name or one noun; its adjectives follow ("diplomatie française").
    mention = owner[i]
    if mention is None:
        return i + 1 if doc[i].pos_ in _NOUNS else None
    if mention.is_person or mention.start != i:
        return None
    end = _mention_end(doc, mention)
    return end if end > i else None


def _english_noun_phrase(doc: Doc, owner: list[_Mention | None], i: int) -> int | None:
    # Modifiers come first ("the Foreign and Commonwealth Office", "the Frankfurt-based exchange").
    end = i
    while end < len(doc) and (end == i or _joined(doc, end - 1)):
        mention = owner[end]
        if mention is not None:
            if mention.is_person or mention.start != end:
                break
            end = _mention_end(doc, mention)
            if end < mention.end:
                break
            continue
        if _is_glue_hyphen(doc, end) and end + 1 < len(doc) and owner[end + 1] is None:
            end += 2
            continue
        if not _english_np_word(doc, end):
            break
        end += 1
    while end > i and doc[end - 1].pos_ not in _NOUNS and owner[end - 1] is None:
        end -= 1  # a phrase ends on its noun
    return end if end > i else None


def _mention_end(doc: Doc, mention: _Mention) -> int:
    # "Survivors Fund (SURF": a mention may hold half of a bracket, a title must not.
    for k in range(mention.start, mention.end):
        if doc[k].text in "([{":
            return k
    return mention.end


def _english_np_word(doc: Doc, i: int) -> bool:
    token = doc[i]
    if token.pos_ in ("ADJ", "NOUN", "PROPN") and not token.is_punct:
        return True
    # "Foreign and Commonwealth Affairs": "and" between two capitalised words.
    return (
        token.lower_ == "and"
        and 0 < i < len(doc) - 1
        and doc[i - 1].text[:1].isupper()
        and doc[i + 1].text[:1].isupper()
    )


def _described_people(doc: Doc, owner: list[_Mention | None], lexicon: _Lexicon, phrase: _Phrase) -> list[_Mention]:
    after, through_comma = _people_after(doc, owner, lexicon, phrase)
    before = _person_before(doc, owner, lexicon, phrase)
    if after and before and through_comma:
        # "A, ministre de l'Intérieur, B": a French apposition has no article, so it is A's.
        # "A, the prime minister, B, …" may be a list of appositions or an introduction of B:
        # whose title it is cannot be told, and a wrong role is worse than none.
        return [] if phrase.has_determiner else before
    return after or before


def _people_after(
    doc: Doc, owner: list[_Mention | None], lexicon: _Lexicon, phrase: _Phrase
) -> tuple[list[_Mention], bool]:
    """Persons the title introduces ("le président français Emmanuel Macron", "the chancellor,
    Gordon Brown,"), and whether a comma stands between."""
    comma = _at(doc, phrase.end - 1, ",")
    person = _person_at(doc, owner, lexicon, phrase.end if comma else phrase.end - 1)
    if person is None:
        return [], comma
    # "Selon le ministre, Dupont a menti": after a comma the name must close like an
    # apposition does, otherwise the title ends a clause and the name starts the next one.
    if comma and not phrase.plural and not _closes(doc, lexicon, person.end):
        return [], comma
    if comma and _after_relative(doc, lexicon, phrase):
        return [], comma
    people = [person]
    while phrase.plural:
        nxt = _next_in_list(doc, owner, lexicon, people[-1].end)
        if nxt is None:
            break
        people.append(nxt)
    return people, comma


def _after_relative(doc: Doc, lexicon: _Lexicon, phrase: _Phrase) -> bool:
    """The title completes a relative: "le fils du ministre", "the wife of the prime minister"."""
    i = phrase.start - 2 if phrase.has_determiner else phrase.start - 1  # "du", "de (la)", "of (the)"
    if i < 1 or not (_joined(doc, i - 1) and _joined(doc, i)):
        return False
    return doc[i].pos_ in ("ADP", "DET") and _lower(doc[i - 1]) in lexicon.relatives


def _at(doc: Doc, i: int, text: str) -> bool:
    """Token i + 1 is ``text`` and in the same sentence as token i."""
    return _joined(doc, i) and doc[i + 1].text == text


def _person_at(doc: Doc, owner: list[_Mention | None], lexicon: _Lexicon, before: int) -> _Mention | None:
    # The person whose name starts after token ``before``, courtesy titles skipped ("Mr Brown").
    i = before
    while _joined(doc, i) and owner[i + 1] is None and _lower(doc[i + 1]) in lexicon.courtesy:
        i += 1
    if not _joined(doc, i):
        return None
    mention = owner[i + 1]
    if mention is None or not mention.is_person or mention.start != i + 1:
        return None
    return mention


def _next_in_list(doc: Doc, owner: list[_Mention | None], lexicon: _Lexicon, end: int) -> _Mention | None:
    # "A, B et C": each joiner must be followed at once by the next person.
    i = end - 1
    seen_joiner = False
    while _joined(doc, i) and _lower(doc[i + 1]) in lexicon.list_joiners:
        i += 1
        seen_joiner = True
    return _person_at(doc, owner, lexicon, i) if seen_joiner else None


def _person_before(doc: Doc, owner: list[_Mention | None], lexicon: _Lexicon, phrase: _Phrase) -> list[_Mention]:
    """The person an apposed title follows: "Claire Dupont, ministre de la Culture, a …"."""
    i = phrase.start - 2 if phrase.has_determiner else phrase.start - 1  # the comma
    if not (_at(doc, i - 1, ",") and _joined(doc, i)):
        return []
    mention = owner[i - 1] if i >= 1 else None
    if mention is None or not mention.is_person or mention.end != i:
        return []
    # "Selon Jean Dupont, le président a commis …": the title opens a clause, it is not apposed.
    if not _closes(doc, lexicon, phrase.end):
        return []
    return [mention]


def _closes(doc: Doc, lexicon: _Lexicon, i: int) -> bool:
    """Token i may follow an apposition: punctuation, a sentence end, a preposition or adverb."""
    if i >= len(doc) or not _joined(doc, i - 1):
        return True
    token = doc[i]
    if _is_glue_hyphen(doc, i):
        return False  # "chief executive of the Frankfurt-based exchange"
    if token.is_punct:
        return True
    return token.pos_ in ("ADP", "ADV") and _lower(token) not in lexicon.negations
