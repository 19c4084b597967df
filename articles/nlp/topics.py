"""Topic tagging from editor-maintained cue patterns.

Each topic scores from the cues found in the article: how much distinct,
specific vocabulary it uses and how much of the article carries it. No model is
trained here; the cue lists are the knowledge, and editors can read them.

The taxonomy is a hierarchy: a desk topic narrows a broader one (elections and diplomacy
narrow politics, terrorism narrows conflict, war and peace). Whatever is about the narrower
topic is about the broader one too, so a topic's cues are also evidence for its ancestors,
and a broader topic's list need not repeat its narrower topics' vocabulary.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from spacy.attrs import ENT_TYPE, IDX, IS_SPACE, LEMMA, ORTH

from .types import TopicHit, TopicSpec

MAX_EVIDENCE = 5

# A phrase is more specific than any of its words ("coupe du monde" vs "coupe").
PHRASE_BONUS = 1.25
# A cue marked "~" ("~firm") is a general word of the domain that also turns up in ordinary
# news prose: it supports the topic but weighs less than the domain's own vocabulary.
GENERAL_MARK = "~"
GENERAL_WEIGHT = 0.4
# Such a word also counts only with company (see MIN_SENTENCES): "les élus de la région" is about
# local councillors, not an election, until "scrutin" or "électeurs" comes along.
# An actor the NER found and an editor tied to the topic is strong evidence.
ACTOR_WEIGHT = 2.0
# Evidence mass at which a topic is about 63% saturated: three or four distinct cues.
SATURATION = 3.5
# Share of sentences with evidence above which an article is plainly "about" the topic.
FULL_SHARE = 0.2
# How a cue's evidence grows with the number of sentences it occurs in: 1 + REPEAT_GAIN * ln(n).
REPEAT_GAIN = 1.0
# Extra evidence, in units of the cue's weight, for a cue found in the title or first sentence.
LEAD_BONUS = 1.0
# Weight, per level up the taxonomy, of a narrower topic's cue as evidence for a broader one.
# A cue both list counts once, at the larger weight.
CHILD_WEIGHT = 1.0
# Sentences that make the lead. A line break ends a sentence, so with a title on its own line
# this is the title and the first sentence of the body.
LEAD_SENTENCES = 2
# A topic needs real evidence: its specific (not general) cues in at least this many sentences,
# or in the lead. One sentence deep in an article ("il avait assisté aux Jeux olympiques en 1996")
# is a passing remark, however many general words of the domain surround it.
MIN_SENTENCES = 2
# Languages in which a cue said once in the whole article makes real evidence only in the title, not
# in the first sentence after it (see _with_real_evidence). Measured on the French labelled sets;
# English keeps the plain lead rule, with which its top-level topics were tuned.
SAID_ONCE_TITLE_ONLY = frozenset({"fr"})
# What an editor is offered of the broad (top-level) topics: those whose cue score is within
# RELATIVE_CUT of the best one's, at most MAX_TOPICS of them. Each topic is scored on its own, so an
# article with one strong subject also carries weaker ones (a match report that ends with an arrest
# touches crime); a broad topic far below the best is a side remark, and a chip row of nine topics
# reads as noise. A desk topic (one that narrows another) is the desk's own focus and is offered
# whenever it reaches its threshold: an article about several of them is about each. Both chosen on
# the tuning parts of bench/topics_fr.py and bench/topics.py (README, "What happens to an article").
RELATIVE_CUT = 0.6
MAX_TOPICS = 3

_WORD = re.compile(r"\w+'?")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "’": "'", "ʼ": "'"})
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})
_JOINERS = {"-", "–", "‑"}
_FALLBACK_SENTENCE = re.compile(r"[^\n.!?]+(?:[.!?]+|$)")
_LINE = re.compile(r"[^\n]+")
# Entity labels of people in the languages' models. A cue word inside a person's name is a name,
# not the topic's vocabulary: "Karim Sahraoui" is not about the Sahrawis, "Jean Diplomate" not
# about diplomacy.
_PERSON_LABELS = ("PER", "PERSON")


def _casefold(text: str) -> str:
    return text.casefold().translate(_LIGATURES)


# Cached: every article repeats the same few thousand words, and these run per token.
@functools.lru_cache(maxsize=100_000)
def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@functools.lru_cache(maxsize=100_000)
def _pieces(text: str) -> tuple[str, ...]:
    # Hyphens and elisions split words the same way in cues and in text, whatever the
    # tokenizer did with them ("l'Intérieur", "Jeux-Olympiques", "e-mail").
    return tuple(_WORD.findall(_casefold(text)))


@dataclass(frozen=True)
class _Cue:
    topic: int
    key: str  # canonical form, identifies the cue for "distinct cue" counting
    words: tuple[tuple[str, bool], ...]  # (piece, is_prefix)
    weight: float
    general: bool = False


@dataclass
class _LanguageIndex:
    exact: dict[str, list[_Cue]] = field(default_factory=lambda: defaultdict(list))
    prefix: dict[int, dict[str, list[_Cue]]] = field(default_factory=dict)
    # forms -> cues: the same words come back in every article.
    seen: dict[frozenset[str], frozenset[_Cue]] = field(default_factory=dict)


@dataclass
class CompiledSpecs:
    specs: tuple[TopicSpec, ...]
    actor_cues: tuple[tuple[tuple[str, re.Pattern[str]], ...], ...]
    # Matches a name in which any topic's actor cue is found (None: no topic has one).
    any_actor_cue: re.Pattern[str] | None = None
    # topic -> (ancestor topic, levels up), nearest first; from the ``parent`` slugs.
    ancestors: tuple[tuple[tuple[int, int], ...], ...] = ()
    # language -> slug -> the topic's own threshold in that language, for the topics that have one.
    thresholds: dict[str, dict[str, float]] = field(default_factory=dict)
    # Slugs of the desk topics: those that narrow another topic.
    narrower: frozenset[str] = frozenset()
    _languages: dict[str, _LanguageIndex] = field(default_factory=dict)

    def language(self, language: str) -> _LanguageIndex:
        index = self._languages.get(language)
        if index is None:
            index = self._languages[language] = _build_index(self.specs, language, self.ancestors)
        return index


def _parse_cue(pattern: str) -> tuple[tuple[str, bool], ...]:
    words: list[tuple[str, bool]] = []
    for raw in pattern.split():
        is_prefix = raw.endswith("*")
        pieces = _pieces(raw.rstrip("*"))
        if not pieces:
            continue
        words.extend((piece, False) for piece in pieces[:-1])
        words.append((pieces[-1], is_prefix))
    return tuple(words)


def _build_index(
    specs: Sequence[TopicSpec], language: str, ancestors: tuple[tuple[tuple[int, int], ...], ...] = ()
) -> _LanguageIndex:
    parsed: list[tuple[int, str, tuple[tuple[str, bool], ...]]] = []
    general: set[tuple[int, str]] = set()
    for topic, spec in enumerate(specs):
        seen: set[str] = set()
        for pattern in spec.cues.get(language, ()):
            stripped = pattern.strip()
            is_general = stripped.startswith(GENERAL_MARK)
            words = _parse_cue(stripped.lstrip(GENERAL_MARK))
            key = " ".join(w + ("*" if p else "") for w, p in words)
            if words and key not in seen:
                seen.add(key)
                parsed.append((topic, key, words))
                if is_general:
                    general.add((topic, key))

    # A cue listed by several topics tells them apart less well. IPTC top-level topics
    # and desk topics are counted apart: a desk topic repeating its parent's vocabulary
    # is expected and must not weaken either of them; nor does a topic repeating an
    # ancestor's cue, since its evidence goes to that ancestor anyway.
    listed = {(topic, key) for topic, key, _ in parsed}
    owners: dict[tuple[bool, str], int] = defaultdict(int)
    for topic, key, _ in parsed:
        lineage = ancestors[topic] if topic < len(ancestors) else ()
        if not any((ancestor, key) in listed for ancestor, _ in lineage):
            owners[(specs[topic].iptc_top_level, key)] += 1

    index = _LanguageIndex()
    for topic, key, words in parsed:
        weight = 1.0 / math.sqrt(max(1, owners[(specs[topic].iptc_top_level, key)]))
        if len(words) > 1:
            weight *= PHRASE_BONUS
        if (topic, key) in general:
            weight *= GENERAL_WEIGHT
        cue = _Cue(topic, key, words, weight, (topic, key) in general)
        first, is_prefix = words[0]
        if is_prefix:
            index.prefix.setdefault(len(first), defaultdict(list))[first].append(cue)
        else:
            index.exact[first].append(cue)
    return index


def _compile_actor_cues(spec: TopicSpec) -> tuple[tuple[str, re.Pattern[str]], ...]:
    compiled = []
    for cue in spec.actor_cues:
        folded = _casefold(cue).strip()
        if folded:
            # Word boundaries, so "CIO" is not found inside "Ciotat".
            compiled.append((folded, re.compile(_ACTOR_CUE.format(re.escape(folded)))))
    return tuple(compiled)


_ACTOR_CUE = r"(?<!\w){}(?!\w)"


def _any_actor_cue(actor_cues: tuple[tuple[tuple[str, re.Pattern[str]], ...], ...]) -> re.Pattern[str] | None:
    """One pattern that finds a name in which any of the cues is found: where one alternative fails
    on what follows it, the search goes on with the others, so it matches exactly the names that
    one of the cues' own patterns matches."""
    folded = sorted({cue for cues in actor_cues for cue, _ in cues})
    return re.compile(_ACTOR_CUE.format("(?:" + "|".join(map(re.escape, folded)) + ")")) if folded else None


def _ancestors(specs: Sequence[TopicSpec]) -> tuple[tuple[tuple[int, int], ...], ...]:
    by_slug = {spec.slug: topic for topic, spec in enumerate(specs)}
    result = []
    for topic, spec in enumerate(specs):
        chain: list[tuple[int, int]] = []
        seen = {topic}
        parent = by_slug.get(spec.parent)
        # A parent missing from the list (inactive) ends the chain; a cycle, an editing
        # mistake, must not loop.
        while parent is not None and parent not in seen:
            seen.add(parent)
            chain.append((parent, len(chain) + 1))
            parent = by_slug.get(specs[parent].parent)
        result.append(tuple(chain))
    return tuple(result)


def _thresholds(specs: Sequence[TopicSpec]) -> dict[str, dict[str, float]]:
    by_language: dict[str, dict[str, float]] = defaultdict(dict)
    for spec in specs:
        for language, threshold in spec.thresholds.items():
            by_language[language][spec.slug] = threshold
    return dict(by_language)


_CACHE: dict[tuple, CompiledSpecs] = {}
_CACHE_SIZE = 8


def _fingerprint(specs: Sequence[TopicSpec]) -> tuple:
    return tuple(
        (spec.slug, tuple((lang, tuple(cues)) for lang, cues in sorted(spec.cues.items())), tuple(spec.actor_cues),
         spec.iptc_top_level, spec.parent, tuple(sorted(spec.thresholds.items())))
        for spec in specs
    )


def compile_specs(specs: Sequence[TopicSpec] | CompiledSpecs) -> CompiledSpecs:
    """Precompile cue patterns; cached by content, so rebuilding an equal list is cheap."""
    if isinstance(specs, CompiledSpecs):
        return specs
    # By content rather than identity: callers may rebuild the list from the database for
    # every batch, and an edited topic must not be served from a stale index.
    key = _fingerprint(specs)
    compiled = _CACHE.get(key)
    if compiled is None:
        actor_cues = tuple(_compile_actor_cues(spec) for spec in specs)
        compiled = CompiledSpecs(
            specs=tuple(specs),
            actor_cues=actor_cues,
            any_actor_cue=_any_actor_cue(actor_cues),
            ancestors=_ancestors(specs),
            thresholds=_thresholds(specs),
            narrower=frozenset(spec.slug for spec in specs if spec.parent),
        )
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = compiled
    return compiled


def _sentence_spans(doc, text: str, limit: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
        raw = [(sent.start_char, sent.end_char) for sent in doc.sents]
    else:
        raw = [(m.start(), m.end()) for m in _FALLBACK_SENTENCE.finditer(text)]
    for raw_start, raw_end in raw:
        # A line break always ends a sentence in news copy; parsers sometimes run
        # several paragraphs together, which would blur evidence and sentence shares.
        for line in _LINE.finditer(text, raw_start, min(raw_end, limit)):
            start, end = line.span()
            # Trim surrounding whitespace so evidence highlights only the sentence.
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end and any(c.isalnum() for c in text[start:end]):
                spans.append((start, end))
    return spans


def _inflects(word: str, lemma: str) -> bool:
    """Whether ``word`` reads as an inflection of ``lemma``: it keeps the lemma's stem, all but
    its last letter ("parties", "party"; "hôpitaux", "hôpital"). A lemma the word does not spell
    ("struck", "strike") is another word for a cue's purposes: a strike is not a blow."""
    stem = _strip_accents(lemma[: max(1, len(lemma) - 1)])
    return _strip_accents(word).startswith(stem)


def _token_forms(text: str, lemma: str) -> tuple[frozenset[str], ...]:
    """The forms a cue may match on each word piece of a token: as written, without accents, and
    the lemma for a token of one piece. No piece (punctuation): one empty set, a barrier."""
    pieces = _pieces(text)
    if not pieces:
        return (frozenset(),)
    lemma_pieces = _pieces(lemma) if len(pieces) == 1 and lemma else ()
    result = []
    for piece in pieces:
        forms = {piece, _strip_accents(piece)}
        if len(lemma_pieces) == 1 and _inflects(piece, lemma_pieces[0]):
            forms.update((lemma_pieces[0], _strip_accents(lemma_pieces[0])))
        result.append(frozenset(forms))
    return tuple(result)


# A token's forms by the hashes of its text and lemma, () for a joiner: the one cache of _token_forms.
# Looked up by the hashes a doc holds, the strings need not be fetched for every word; a hash names the
# same string in every vocab.
_FORMS_BY_HASH: dict[tuple[int, int], tuple[frozenset[str], ...]] = {}
_FORMS_BY_HASH_SIZE = 200_000


def _positions(doc, limit: int) -> list[tuple[frozenset[str], int]]:
    """Word pieces of the content as (forms, char offset); punctuation and people's names are barriers."""
    positions: list[tuple[frozenset[str], int]] = []
    strings = doc.vocab.strings
    people = {strings.add(label) for label in _PERSON_LABELS}
    known = _FORMS_BY_HASH
    if len(known) > _FORMS_BY_HASH_SIZE:
        known.clear()
    barrier: frozenset[str] = frozenset()
    # Read as arrays: building a Token object for every word costs more than the matching.
    for orth, lemma, is_space, idx, entity in doc.to_array([ORTH, LEMMA, IS_SPACE, IDX, ENT_TYPE]).tolist():
        if idx >= limit:
            break
        if is_space:
            continue
        found = known.get((orth, lemma))
        if found is None:
            text = strings[orth]
            found = () if text in _JOINERS else _token_forms(text, strings[lemma] if lemma else "")
            known[(orth, lemma)] = found
        if not found:  # a joiner
            continue
        if entity in people:
            positions.append((barrier, idx))
            continue
        for forms in found:
            positions.append((forms, idx))
    return positions


def _word_matches(word: str, is_prefix: bool, forms: frozenset[str]) -> bool:
    if is_prefix:
        return any(form.startswith(word) for form in forms)
    return word in forms


def _candidates(index: _LanguageIndex, forms: frozenset[str]) -> frozenset[_Cue]:
    cached = index.seen.get(forms)
    if cached is not None:
        return cached
    found: set[_Cue] = set()
    for form in forms:
        found.update(index.exact.get(form, ()))
        for length, by_prefix in index.prefix.items():
            if len(form) >= length:
                found.update(by_prefix.get(form[:length], ()))
    result = frozenset(found)
    if len(index.seen) < 200_000:
        index.seen[forms] = result
    return result


def _rank(cue: _Cue) -> tuple[float, int, bool, str]:
    """Which of several cues matching at one place stands for the topic: the weightiest, the
    longest, a whole word over a prefix, then by key so that the choice is stable."""
    return (cue.weight, len(cue.words), not cue.words[-1][1], cue.key)


def _root(merged: dict[str, str], key: str) -> str:
    while merged.get(key, key) != key:
        key = merged[key]
    return key


def _merge(merged: dict[str, str], a: str, b: str) -> None:
    a, b = _root(merged, a), _root(merged, b)
    if a != b:
        merged[max(a, b)] = min(a, b)


def _fold(hits: dict[str, tuple[float, dict[int | None, int]]], merged: dict[str, str]) -> None:
    """Pool the evidence of merged cues under one key, at the largest weight."""
    for key in list(hits):
        root = _root(merged, key)
        if root == key:
            continue
        weight, where = hits.pop(key)
        if root in hits:
            kept, into = hits[root]
            for sentence, count in where.items():
                into[sentence] += count
            hits[root] = (max(kept, weight), into)
        else:
            hits[root] = (weight, where)


@dataclass
class _Evidence:
    """Where each topic's cues were found in one article."""

    sentences: list[tuple[int, int]]
    # topic -> cue key -> (weight, sentence -> occurrences); sentence None: an actor the
    # recogniser found but that could not be located in the text.
    cues: dict[int, dict[str, tuple[float, dict[int | None, int]]]]
    # topic -> keys of its general ("~") cues found in the article.
    general: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    # topic -> sentences where one of its specific cues (not a general word) was found; None for an
    # actor the recogniser found but that could not be located.
    specific: dict[int, set[int | None]] = field(default_factory=lambda: defaultdict(set))


def _collect(doc, text: str, compiled: CompiledSpecs, language: str, actor_surfaces: Sequence[str],
             limit: int) -> _Evidence:
    sentences = _sentence_spans(doc, text, limit)
    cue_hits: dict[int, dict[str, tuple[float, dict[int | None, int]]]] = defaultdict(dict)
    if not sentences:
        return _Evidence(sentences, cue_hits)
    starts = [start for start, _ in sentences]

    def sentence_of(offset: int) -> int:
        return max(0, bisect_right(starts, offset) - 1)

    general: dict[int, set[str]] = defaultdict(set)
    specific_at: dict[int, set[int | None]] = defaultdict(set)

    def record(topic: int, key: str, weight: float, sentence: int | None, is_general: bool = False) -> None:
        where = cue_hits[topic].setdefault(key, (weight, defaultdict(int)))[1]
        where[sentence] += 1
        if is_general:
            general[topic].add(key)
        else:
            specific_at[topic].add(sentence)

    index = compiled.language(language)
    positions = _positions(doc, limit)
    # Cues of one topic that match the same words are one piece of evidence ("court" and "courts"
    # on "courts", "the bill" and "bill", "minister*" and "ministers"): the words count once, for
    # the weightiest cue, and the cues are merged into one for the rest of the article.
    covering: dict[int, tuple[int, _Cue]] = {}  # topic -> (end position, cue) of its last match
    same: dict[int, dict[str, str]] = defaultdict(dict)  # topic -> key -> key it was merged into
    for i, (forms, offset) in enumerate(positions):
        candidates = _candidates(index, forms) if forms else ()
        if not candidates:
            continue
        found: dict[int, list[_Cue]] = defaultdict(list)
        for cue in candidates:
            if len(cue.words) == 1:  # a single word: the forms that gave it match it
                found[cue.topic].append(cue)
                continue
            rest = cue.words[1:]
            if i + len(rest) >= len(positions):
                continue
            if all(_word_matches(w, p, positions[i + 1 + j][0]) for j, (w, p) in enumerate(rest)):
                found[cue.topic].append(cue)
        if not found:
            continue
        sentence = sentence_of(offset)
        for topic, cues in found.items():
            end, cover = covering.get(topic, (0, None))
            if cover is not None and end > i:
                # Inside a phrase this topic already counted here.
                for cue in cues:
                    _merge(same[topic], cover.key, cue.key)
                continue
            best = max(cues, key=_rank) if len(cues) > 1 else cues[0]
            if not best.general:
                # A general phrase that starts with a specific word stays general there, as one that takes
                # the word in further on does ("attentat à la pudeur" holds "attentat").
                longer = [cue for cue in cues if cue.general and len(cue.words) > len(best.words)]
                if longer:
                    best = max(longer, key=_rank)
            for cue in cues:
                if cue is not best:
                    _merge(same[topic], best.key, cue.key)
            covering[topic] = (i + len(best.words), best)
            record(topic, best.key, best.weight, sentence, best.general)
    for topic, merged in same.items():
        # Merged cues are one general cue only if every one of them is general.
        specific = {_root(merged, key) for key in cue_hits[topic] if key not in general[topic]}
        general[topic] = {_root(merged, key) for key in general[topic]} - specific
        _fold(cue_hits[topic], merged)

    surfaces: dict[str, set[str]] = defaultdict(set)
    for surface in actor_surfaces:
        if surface and surface.strip():
            surfaces[_casefold(surface).strip()].add(surface.strip())
    # Most names hold no topic's cue: one search each sets them aside before the cues are tried one by one.
    if compiled.any_actor_cue is not None:
        surfaces = {folded: originals for folded, originals in surfaces.items()
                    if compiled.any_actor_cue.search(folded)}
    if surfaces:
        for topic, actor_cues in enumerate(compiled.actor_cues):
            for cue, pattern in actor_cues:
                matched = [original for folded, originals in surfaces.items() if pattern.search(folded)
                           for original in originals]
                if not matched:
                    continue
                hit_sentences = _surface_sentences(text, limit, matched, sentence_of)
                for sentence in hit_sentences or [None]:
                    record(topic, "actor:" + cue, ACTOR_WEIGHT, sentence)
    return _Evidence(sentences, cue_hits, general, specific_at)


def _inherit(
    cues: dict[int, dict[str, tuple[float, dict[int | None, int]]]],
    ancestors: tuple[tuple[tuple[int, int], ...], ...],
) -> dict[int, dict[str, tuple[float, dict[int | None, int]]]]:
    """Each topic's cues plus those of its narrower topics, weighed by CHILD_WEIGHT per level.

    A cue found for several of them (the same key matches the same words) counts once, at its
    largest weight, so a broader topic's score never drops because a narrower one lists its cue.
    """
    merged: dict[int, dict[str, tuple[float, dict[int | None, int]]]] = {
        topic: dict(found) for topic, found in cues.items()
    }
    for topic, found in cues.items():
        for ancestor, levels in ancestors[topic] if topic < len(ancestors) else ():
            factor = CHILD_WEIGHT ** levels
            if factor <= 0:
                continue
            target = merged.setdefault(ancestor, {})
            for key, (weight, where) in found.items():
                weight *= factor
                if key not in target or target[key][0] < weight:
                    target[key] = (weight, where)
    return merged


def _with_real_evidence(evidence: _Evidence, ancestors: tuple[tuple[tuple[int, int], ...], ...],
                        lead: range, title_only: bool = False) -> set[int]:
    """Topics whose specific cues (not general words), their own or a narrower topic's, were found in
    at least MIN_SENTENCES sentences or in the lead. General words add to a topic's score, never make it.

    What counts is where a specific cue itself was found: a general phrase that takes in a specific
    word ("menace terroriste" in a security plan) stays general there, even when the same word
    elsewhere in the article is specific evidence."""
    where: dict[int, set[int | None]] = defaultdict(set)
    said: dict[int, int] = defaultdict(int)
    for topic, cues in evidence.cues.items():
        found = evidence.specific.get(topic, set())
        times = sum(count for _, located in cues.values() for sentence, count in located.items()
                    if sentence is not None)
        for reached in (topic, *(ancestor for ancestor, _ in (ancestors[topic] if topic < len(ancestors) else ()))):
            where[reached].update(found)
            said[reached] += times
    # An actor the recogniser found but that could not be located (None) is given the benefit of the doubt.
    # With ``title_only``, the title names the article's subject but the first sentence does so only when
    # the topic's words (its own, general or a narrower topic's) occur more than once in the article: one
    # word said once, outside the title, is a remark in passing ("le désastre de la diplomatie européenne"
    # opening a report on a rescue ship).
    return {topic for topic, found in where.items()
            if len(found) >= MIN_SENTENCES or None in found
            or (not found.isdisjoint(lead)
                and (not title_only or lead.start in found or said[topic] >= MIN_SENTENCES))}


def score_topics(
    doc,
    specs: Sequence[TopicSpec] | CompiledSpecs,
    *,
    language: str,
    actor_surfaces: Sequence[str] = (),
    content_end: int | None = None,
    learned: LearnedTopics | None = None,
    relative_cut: float = 0.0,
) -> list[TopicHit]:
    """Every topic with some evidence, its own or a narrower topic's, best first. Scores are in [0, 1].

    With ``learned`` (profiles from editors' decisions), each score blends the cues with the
    probability that editors would accept the topic, and a topic may come from the profile alone.
    With ``relative_cut``, a broad topic whose cue score is below that share of the best cue score
    has no cue evidence (a side remark of the text); what editors taught still counts for it.
    """
    compiled = compile_specs(specs)
    text = doc.text
    limit = len(text) if content_end is None else max(0, min(content_end, len(text)))
    # Doc.text joins every token: read once per article.
    evidence = _collect(doc, text, compiled, language, actor_surfaces, limit)
    sentences = evidence.sentences
    if not sentences:
        return []

    lead = range(min(LEAD_SENTENCES, len(sentences)))
    evident = _with_real_evidence(evidence, compiled.ancestors, lead, language in SAID_ONCE_TITLE_ONLY)
    hits = []
    for topic, cues in _inherit(evidence.cues, compiled.ancestors).items():
        if topic not in evident:
            continue
        mass = 0.0
        by_sentence: dict[int, float] = defaultdict(float)
        for weight, where in cues.values():
            located = [s for s in where if s is not None]
            # A cue recurring through the article counts more, with diminishing returns;
            # repeats inside one sentence do not (an enumeration, a name said twice).
            mass += weight * (1.0 + REPEAT_GAIN * math.log(max(1, len(located))))
            if any(s in lead for s in located):
                # A news title and its first sentence name the article's domain.
                mass += weight * LEAD_BONUS
            for sentence in located:
                by_sentence[sentence] += weight
        # An actor found by the recogniser but not located in the text still counts once.
        share = max(1, len(by_sentence)) / len(sentences)
        # Saturating in the amount of distinct evidence, damped when that evidence is a
        # passing remark in a long article: both a brief and a long feature can score high.
        score = (1.0 - math.exp(-mass / SATURATION)) * math.sqrt(min(1.0, share / FULL_SHARE))
        best = sorted(by_sentence, key=lambda s: (-by_sentence[s], s))[:MAX_EVIDENCE]
        spans = tuple(sentences[s] for s in sorted(best))
        hits.append(TopicHit(compiled.specs[topic].slug, min(1.0, score), spans))
    hits.sort(key=lambda hit: (-hit.score, hit.slug))
    best = hits[0].score if hits else 0.0
    hits = [hit for hit in hits
            if hit.score > 0 and (hit.score >= relative_cut * best or hit.slug in compiled.narrower)]
    if learned:
        hits = _blend(hits, learned, language, text[:limit], sentences, compiled.specs)
    return hits


def _surface_sentences(text: str, limit: int, surfaces: list[str], sentence_of) -> list[int]:
    found: set[int] = set()
    for surface in surfaces:
        # Surfaces may come as typed (’), the doc's text is folded (').
        surface = surface.translate(_APOSTROPHES)
        pattern = re.compile(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", re.IGNORECASE)
        for match in pattern.finditer(text, 0, limit):
            found.add(sentence_of(match.start()))
    return sorted(found)


def tag_topics(
    doc,
    specs: Sequence[TopicSpec] | CompiledSpecs,
    *,
    language: str,
    actor_surfaces: Sequence[str] = (),
    threshold: float,
    content_end: int | None = None,
    learned: LearnedTopics | None = None,
) -> list[TopicHit]:
    """The topics to suggest, best first, with evidence sentences: scored with RELATIVE_CUT, then
    ``suggested`` with the topics' own thresholds in ``language`` (``threshold`` for a topic without one)."""
    compiled = compile_specs(specs)
    hits = score_topics(doc, compiled, language=language, actor_surfaces=actor_surfaces, content_end=content_end,
                        learned=learned, relative_cut=RELATIVE_CUT)
    return suggested(hits, threshold=threshold, thresholds=compiled.thresholds.get(language),
                     narrower=compiled.narrower)


def suggested(hits: Sequence[TopicHit], *, threshold: float, thresholds: Mapping[str, float] | None = None,
              narrower: frozenset[str] = frozenset()) -> list[TopicHit]:
    """Out of scored ``hits`` (best first), those reaching their topic's threshold in ``thresholds``
    (``threshold`` for a topic not there): every desk topic (in ``narrower``), at most MAX_TOPICS others."""
    own = thresholds or {}
    kept, broad = [], 0
    for hit in hits:
        if hit.score < own.get(hit.slug, threshold):
            continue
        if hit.slug not in narrower:
            if broad == MAX_TOPICS:
                continue
            broad += 1
        kept.append(hit)
    return kept


# Articles about a topic below which its labels say too little to move its threshold.
CALIBRATION_MIN_ABOUT = 5


def calibrated_threshold(scored: Sequence[tuple[float, bool]], *, default: float) -> float:
    """A topic's threshold from labelled articles given as (score, about the topic): raised from
    ``default`` as far as it goes without losing an article about the topic that ``default``
    reached, to halfway between the lowest of those and the best-scored article not about the topic
    below it (a margin either way), rounded down to the cent. It buys precision and costs nothing
    found on the labelled articles; with no such article below, or fewer than CALIBRATION_MIN_ABOUT
    articles about the topic, ``default`` stays."""
    reached = [score for score, about in scored if about and score >= default]
    if not reached or sum(about for _, about in scored) < CALIBRATION_MIN_ABOUT:
        return default
    lowest = min(reached)
    below = [score for score, about in scored if not about and score < lowest]
    if not below:
        return default
    return max(default, math.floor(50 * (lowest + max(below))) / 100)


# ---- Learning from editors' decisions ---------------------------------------------------
#
# Cues generalise but cannot know a newsroom's conventions: whether a patent-law story is
# filed under technology or politics, a rapper's arrest under culture or crime. Editors say so
# every time they accept a topic on an article they reviewed. Each topic's accepted articles make
# a profile (the centroid of their tf-idf word vectors, per language); a new article's similarity
# to it, calibrated on the examples themselves, is a probability that editors would accept the
# topic, blended with the cue score. Plain Python: a few hundred reviewed articles train in well
# under a second.

# Weight of the learned probability at full confidence; the cue score keeps the rest.
LEARNED_WEIGHT = 0.7
# Accepted examples of a topic at which its profile gets half of LEARNED_WEIGHT.
LEARNED_HALF = 2.0
# Rejections at which a topic editors never accepted is weighed down by half of LEARNED_WEIGHT.
# Only a rejection counts against a topic, never its absence: a topic nobody had the occasion
# to accept yet (a new one, a rare event) keeps its cues.
REJECTED_HALF = 5.0
# A topic needs this many accepted examples before it has a profile.
MIN_EXAMPLES = 2
# Steepness of the calibration: a similarity halfway between the topic's typical examples and
# its typical non-examples is p = 0.5; at a typical example p = 1 / (1 + exp(-LEARNED_SLOPE / 2)).
LEARNED_SLOPE = 4.0
# Negative examples used to calibrate a topic: enough for a median, bounded in cost.
MAX_NEGATIVES = 300

_FEATURE_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class TopicExample:
    """A reviewed article as the learner sees it: its text (as annotated), language, and the
    slugs of the topics editors accepted and rejected on it."""

    text: str
    language: str
    slugs: tuple[str, ...]
    rejected: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Profile:
    centroid: dict[str, float]  # unit vector
    typical: float  # median similarity of the topic's examples (each left out of the centroid)
    atypical: float  # median similarity of the other reviewed articles
    examples: int


@dataclass(frozen=True)
class _LanguageProfiles:
    idf: dict[str, float]
    profiles: dict[str, _Profile]
    reviewed: int
    rejected: dict[str, int]  # topic slug: reviewed articles on which editors rejected it


@dataclass(frozen=True)
class LearnedTopics:
    """Topic profiles learned from reviewed articles, per language."""

    languages: dict[str, _LanguageProfiles] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(profiles.reviewed for profiles in self.languages.values())

    def examples(self, language: str) -> dict[str, int]:
        """Accepted examples per topic slug, for the topics with a profile in ``language``."""
        found = self.languages.get(language)
        return {slug: p.examples for slug, p in found.profiles.items()} if found else {}


@functools.lru_cache(maxsize=100_000)
def _feature(word: str) -> str:
    return _strip_accents(word)


def _word_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for word in _FEATURE_WORD.findall(_casefold(text)):
        counts[_feature(word)] += 1
    return counts


def _vector(counts: dict[str, int], idf: dict[str, float]) -> dict[str, float]:
    # Sublinear counts: the tenth "said" says little more than the second.
    vector = {word: (1.0 + math.log(n)) * idf[word] for word, n in counts.items() if word in idf}
    norm = math.sqrt(sum(x * x for x in vector.values()))
    return {word: x / norm for word, x in vector.items()} if norm else {}


def _dot(vector: dict[str, float], other: dict[str, float]) -> float:
    if len(vector) > len(other):
        vector, other = other, vector
    return sum(x * other.get(word, 0.0) for word, x in vector.items())


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _learn_language(examples: list[tuple[dict[str, int], frozenset[str], frozenset[str]]]) -> _LanguageProfiles:
    documents = len(examples)
    frequency: dict[str, int] = defaultdict(int)
    rejected: dict[str, int] = defaultdict(int)
    for counts, _, refused in examples:
        for word in counts:
            frequency[word] += 1
        for slug in refused:
            rejected[slug] += 1
    idf = {word: math.log((1 + documents) / (1 + n)) + 1.0 for word, n in frequency.items()}
    vectors = [(_vector(counts, idf), slugs) for counts, slugs, _ in examples]

    sums: dict[str, dict[str, float]] = {}
    members: dict[str, list[int]] = defaultdict(list)
    for position, (_, slugs) in enumerate(vectors):
        for slug in slugs:
            members[slug].append(position)
    profiles = {}
    for slug, positions in members.items():
        if len(positions) < MIN_EXAMPLES:
            continue
        total: dict[str, float] = defaultdict(float)
        for position in positions:
            for word, x in vectors[position][0].items():
                total[word] += x
        sums[slug] = total
        norm = math.sqrt(sum(x * x for x in total.values()))
        # Each example against the centroid of the others: in-sample similarity flatters.
        typical = []
        for position in positions:
            vector = vectors[position][0]
            dot = _dot(vector, total)
            rest = math.sqrt(max(0.0, norm * norm - 2 * dot + _dot(vector, vector)))
            typical.append((dot - _dot(vector, vector)) / rest if rest > 1e-9 else 0.0)
        inside = set(positions)
        # Evenly spread over the other articles, so the bound on cost does not pick a period.
        others = [p for p in range(documents) if p not in inside]
        step = max(1, len(others) // MAX_NEGATIVES)
        atypical = [_dot(vectors[p][0], total) / norm for p in others[::step]] if norm else []
        profiles[slug] = _Profile(
            centroid={word: x / norm for word, x in total.items()} if norm else {},
            typical=_median(typical),
            atypical=_median(atypical) if atypical else 0.0,
            examples=len(positions),
        )
    return _LanguageProfiles(idf=idf, profiles=profiles, reviewed=documents, rejected=dict(rejected))


def learn_topics(examples: Sequence[TopicExample], specs: Sequence[TopicSpec] | CompiledSpecs) -> LearnedTopics:
    """Topic profiles from reviewed articles. An accepted topic also makes its article an example of
    the broader topics above it; a rejected topic counts against that topic alone (a rejected
    narrower topic says nothing about the broader one); topics not in ``specs`` (inactive,
    deleted) are ignored."""
    compiled = compile_specs(specs)
    by_slug = {spec.slug: topic for topic, spec in enumerate(compiled.specs)}
    by_language: dict[str, list[tuple[dict[str, int], frozenset[str], frozenset[str]]]] = defaultdict(list)
    for example in examples:
        slugs: set[str] = set()
        for slug in example.slugs:
            topic = by_slug.get(slug)
            if topic is None:
                continue
            slugs.add(slug)
            slugs.update(compiled.specs[ancestor].slug for ancestor, _ in compiled.ancestors[topic])
        refused = frozenset(slug for slug in example.rejected if slug in by_slug) - slugs
        counts = _word_counts(example.text)
        if (slugs or refused) and counts and example.language:
            by_language[example.language].append((counts, frozenset(slugs), refused))
    return LearnedTopics({language: _learn_language(found) for language, found in sorted(by_language.items())})


def _probability(similarity: float, profile: _Profile) -> float:
    spread = max(0.02, profile.typical - profile.atypical)
    z = LEARNED_SLOPE * (similarity - (profile.typical + profile.atypical) / 2) / spread
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _learned_evidence(text: str, sentences: list[tuple[int, int]], centroid: dict[str, float],
                      idf: dict[str, float]) -> tuple[tuple[int, int], ...]:
    """The sentences whose words weigh most in the topic's profile."""
    weights = []
    for position, (start, end) in enumerate(sentences):
        words = _word_counts(text[start:end])
        weight = sum(centroid.get(word, 0.0) * idf.get(word, 0.0) for word in words)
        if weight > 0:
            weights.append((-weight, position))
    return tuple(sentences[p] for p in sorted(p for _, p in sorted(weights)[:MAX_EVIDENCE]))


def _blend(hits: list[TopicHit], learned: LearnedTopics, language: str, text: str,
           sentences: list[tuple[int, int]], specs: Sequence[TopicSpec]) -> list[TopicHit]:
    found = learned.languages.get(language)
    if found is None or not found.reviewed:
        return hits
    vector = _vector(_word_counts(text), found.idf)
    cue_hits = {hit.slug: hit for hit in hits}
    blended = []
    for spec in specs:
        hit = cue_hits.get(spec.slug)
        cue = hit.score if hit else 0.0
        profile = found.profiles.get(spec.slug)
        if profile is None:
            # A topic editors have not (yet) accepted: its cues count for less the more often
            # editors rejected it.
            if hit is not None:
                rejected = found.rejected.get(spec.slug, 0)
                penalty = LEARNED_WEIGHT * rejected / (rejected + REJECTED_HALF)
                blended.append(TopicHit(spec.slug, (1.0 - penalty) * cue, hit.evidence))
            continue
        weight = LEARNED_WEIGHT * profile.examples / (profile.examples + LEARNED_HALF)
        score = (1.0 - weight) * cue + weight * _probability(_dot(vector, profile.centroid), profile)
        evidence = hit.evidence if hit else _learned_evidence(text, sentences, profile.centroid, found.idf)
        blended.append(TopicHit(spec.slug, min(1.0, score), evidence))
    blended.sort(key=lambda hit: (-hit.score, hit.slug))
    return blended
