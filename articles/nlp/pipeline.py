"""The annotation pipeline's entry point: text in, plain dataclasses out."""

import importlib.metadata
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace

import spacy
from spacy.errors import Errors
from spacy.language import Language
from spacy.tokens import Doc

from .boilerplate import find_content_end
from .entities import GUARD_NAME, Lexicon, extract_mentions, lexicon_for, ruler_patterns
from .grouping import group_mentions
from .language import detect_language
from .normalise import normalise_text
from .pieces import batches, split_pieces
from .quotes import find_quotes
from .roles import find_roles
from .topics import LearnedTopics, compile_specs, tag_topics
from .types import TITLES_IN_PERSONS, Annotation, Knowledge, MentionSpan, TopicSpec

PIPELINE_VERSION = "13"  # bump when output changes

logger = logging.getLogger(__name__)

RULER_NAME = "knowledge_ruler"
# What the entity step reads: POS and morphology, sentence starts (ner never
# runs an entity across one), entities. Nothing reads the parser's arcs; the
# senter gives sentence starts for less and scored as well on the dev corpus.
# Only topic tagging reads lemmas: the lemmatizer runs when topics are set.
_WANTED = {"tok2vec", "morphologizer", "tagger", "attribute_ruler", "senter", "ner"}
_FOR_TOPICS = {"lemmatizer"}
# The most characters the models read at once. spaCy's memory grows with the text
# it reads in one go (some 4 MB per 1,000 characters with fr_core_news_md): a longer
# article is read in pieces of at most PIECE_CHARS, cut at paragraph breaks
# (pieces.py), and a batch of articles or pieces holds at most BATCH_CHARS.
PIECE_CHARS = 50_000
BATCH_CHARS = 100_000


class Annotator:
    """Holds one spaCy pipeline per language, loaded on first use and kept."""

    def __init__(
        self,
        *,
        models: dict[str, str],
        detect_languages: Sequence[str],
        topics: Sequence[TopicSpec] = (),
        knowledge: Knowledge = Knowledge(),  # noqa: B008 (frozen, so sharing it is safe)
        topic_threshold: float = 0.35,
    ) -> None:
        self._models = dict(models)
        self._detect_languages = tuple(detect_languages)
        self._topics = tuple(topics)
        self._compiled_topics = None  # compiled on first use, once per set_topics
        self._learned_topics = LearnedTopics()
        self._knowledge = knowledge
        self._source_rejected = knowledge.rejected_by_source()
        self._topic_threshold = topic_threshold
        self._nlps: dict[str, Language | None] = {}
        self._lexicons: dict[str, Lexicon] = {}
        self._version: str | None = None

    def version(self) -> str:
        if self._version is None:
            parts = [PIPELINE_VERSION]
            for language in sorted(self._models):
                name = self._models[language]
                parts.append(f"{name}-{_model_version(name)}")
            self._version = "+".join(parts)
        return self._version

    def set_knowledge(self, knowledge: Knowledge) -> None:
        if knowledge == self._knowledge:
            return
        self._knowledge = knowledge
        self._source_rejected = knowledge.rejected_by_source()
        for language, nlp in self._nlps.items():
            if nlp is not None:
                self._load_patterns(nlp, language)

    def set_topics(self, topics: Sequence[TopicSpec]) -> None:
        self._topics = tuple(topics)
        self._compiled_topics = None
        for nlp in self._nlps.values():
            if nlp is not None:
                self._select_components(nlp)

    @property
    def learned_topics(self) -> LearnedTopics:
        return self._learned_topics

    def set_learned_topics(self, learned: LearnedTopics) -> None:
        """Topic profiles learned from editors' decisions on reviewed articles."""
        self._learned_topics = learned

    def lemma_table(self, language: str) -> Mapping:
        """The language model's table of word forms to lemmas, as loaded for the annotation (no
        second copy; some 90 MB for French): what reads a word without a parse uses it. Empty when
        the language has no model or its model lemmatises by rules only (the English ones)."""
        nlp = self._nlp(language)
        if nlp is None or "lemmatizer" not in nlp.component_names:
            return {}
        lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
        return lookups.get_table("lemma_lookup") if lookups is not None and lookups.has_table("lemma_lookup") else {}

    def people_adjectives(self, language: str) -> frozenset[str]:
        """The adjectives that, written with a capital, name a people ("les Américains"), in a language
        whose entity model has no label for nationalities (the French one tags them LOC and the entity
        step leaves them out): its lemmatizer's adjectives. Empty where the model labels them (English
        NORP: they are mentions already)."""
        nlp = self._nlp(language)
        if nlp is None or "ner" not in nlp.pipe_names or "NORP" in nlp.get_pipe("ner").labels:
            return frozenset()
        return self._lexicons[language].adjectives

    def annotate(self, text: str, language: str | None = None, source: int | None = None) -> Annotation:
        return self.annotate_many([text], [language], [source])[0]

    def annotate_many(
        self,
        texts: Sequence[str],
        languages: Sequence[str | None] | None = None,
        sources: Sequence[int | None] | None = None,
        batch_size: int = 64,
    ) -> list[Annotation]:
        """Annotate texts through ``nlp.pipe``, per language, in batches of at most ``batch_size``
        texts and BATCH_CHARS characters (a text longer than PIECE_CHARS read in pieces).

        ``sources`` (ids) select the surfaces rejected for one source only.
        """
        if languages is None:
            languages = [None] * len(texts)
        if sources is None:
            sources = [None] * len(texts)
        if not (len(languages) == len(sources) == len(texts)):
            raise ValueError("texts, languages and sources differ in length")
        version = self.version()
        normalised = [normalise_text(text) for text in texts]
        content_ends = [find_content_end(text) for text in normalised]
        resolved = [
            (given or "").strip().lower() or detect_language(text[:end], self._detect_languages) or ""
            for given, text, end in zip(languages, normalised, content_ends, strict=True)
        ]
        results: list[Annotation | None] = [None] * len(texts)
        by_language: dict[str, list[int]] = {}
        for i, language in enumerate(resolved):
            by_language.setdefault(language, []).append(i)

        for language, indexes in by_language.items():
            nlp = self._nlp(language)
            if nlp is None:
                for i in indexes:
                    results[i] = Annotation(
                        language=language, supported=False, pipeline_version=version, content_end=content_ends[i]
                    )
                continue
            # Boilerplate never reaches the model: mentions and topics stop at
            # content_end, and offsets from the start are unchanged.
            inputs = [normalised[i][: content_ends[i]] for i in indexes]
            with nlp.memory_zone():
                # Docs die with the zone: everything is copied out as plain data inside it.
                for i, doc in zip(indexes, _read(nlp, inputs, batch_size), strict=True):
                    rejected = self._source_rejected.get(sources[i], self._knowledge.rejected)
                    results[i] = self._annotation(doc, texts[i], language, content_ends[i], version, rejected)
        return results  # type: ignore[return-value]

    def _annotation(self, doc, original: str, language: str, content_end: int | None, version: str,
                    rejected: frozenset[tuple[str, str]]) -> Annotation:
        candidates = extract_mentions(
            doc,
            lexicon=self._lexicons[language],
            rejected=rejected,
            content_end=content_end,
            titles_inside=TITLES_IN_PERSONS in self._knowledge.conventions,
        )
        # The topic tagger searches the doc's folded text; editors see the surfaces as typed.
        folded_surfaces = [c.text for c in candidates]
        candidates = [replace(c, text=original[c.start : c.end]) for c in candidates]
        groups, group_of = group_mentions(candidates)
        mentions = [
            MentionSpan(start=c.start, end=c.end, text=c.text, kind=c.kind, origin=c.origin, group=g)
            for c, g in zip(candidates, group_of, strict=True)
        ]
        topics = []
        if self._topics:
            if self._compiled_topics is None:
                # Once, not per article: compile_specs fingerprints the whole taxonomy on every call.
                self._compiled_topics = compile_specs(self._topics)
            topics = tag_topics(
                doc,
                self._compiled_topics,
                language=language,
                actor_surfaces=folded_surfaces,
                threshold=self._topic_threshold,
                content_end=content_end,
                learned=self._learned_topics,
            )
        # Titles are sliced from the original so they keep the editor's typography.
        roles = find_roles(doc, mentions, original)
        quotes = find_quotes(doc, original, mentions, groups, roles, language, content_end)
        return Annotation(
            language=language,
            supported=True,
            pipeline_version=version,
            mentions=mentions,
            groups=groups,
            topics=list(topics),
            roles=roles,
            quotes=quotes,
            content_end=content_end,
        )

    def _nlp(self, language: str) -> Language | None:
        if language in self._nlps:
            return self._nlps[language]
        name = self._models.get(language)
        nlp = None
        if name:
            try:
                nlp = _load(name)
            except OSError:
                logger.warning("spaCy model %s for %r is not installed; %r is not supported", name, language, language)
        if nlp is not None:
            self._load_patterns(nlp, language)
            self._lexicons[language] = lexicon_for(nlp)
        self._nlps[language] = nlp
        return nlp

    def _load_patterns(self, nlp: Language, language: str) -> None:
        ruler = nlp.get_pipe(RULER_NAME)
        ruler.clear()
        labels = nlp.get_pipe("ner").labels if "ner" in nlp.pipe_names else ()
        patterns = ruler_patterns(self._knowledge.aliases_for(language), labels)
        if patterns:
            ruler.add_patterns(patterns)
        self._select_components(nlp)

    def _select_components(self, nlp: Language) -> None:
        wanted = components_read(nlp, topics=bool(self._topics))
        if RULER_NAME in nlp.component_names and len(nlp.get_pipe(RULER_NAME)):
            wanted = wanted | {RULER_NAME, GUARD_NAME}  # an empty ruler only warns, once per doc
        for component in nlp.component_names:
            if component in wanted and component in nlp.disabled:
                nlp.enable_pipe(component)
            elif component not in wanted and component not in nlp.disabled:
                nlp.disable_pipe(component)


def components_read(nlp: Language, *, topics: bool) -> set[str]:
    """The model's components the annotation runs (the registry's ruler aside): what the
    pipeline reads, and nothing else. Benchmarks load the same set for their baseline."""
    wanted = _WANTED | _FOR_TOPICS if topics else set(_WANTED)
    if "senter" not in nlp.component_names:
        wanted = wanted | {"parser"}  # the only source of sentence starts then
    return wanted & set(nlp.component_names)


def _read(nlp: Language, texts: Sequence[str], batch_size: int) -> Iterator[Doc]:
    """One doc per text, in order, as ``nlp.pipe`` gives; a text longer than PIECE_CHARS is read
    piece by piece and its pieces joined into one doc, so the article-level steps see the whole article."""
    for text in texts:
        # Pieces could read any length; an article longer than the model's max_length (one stored
        # while a larger MAX_ARTICLE_CHARS was configured) still fails with spaCy's own message,
        # as when articles were read whole.
        if len(text) > nlp.max_length:
            raise ValueError(Errors.E088.format(length=len(text), max_length=nlp.max_length))
    pieces = [(n, start, end) for n, text in enumerate(texts) for start, end in split_pieces(text, PIECE_CHARS)]
    read: list[Doc] = []
    for run in batches([end - start for _, start, end in pieces], max_items=batch_size, max_chars=BATCH_CHARS):
        inputs = [texts[pieces[k][0]][pieces[k][1] : pieces[k][2]] for k in run]
        for k, doc in zip(run, nlp.pipe(inputs, batch_size=len(inputs)), strict=True):
            read.append(doc)
            if pieces[k][2] == len(texts[pieces[k][0]]):  # the text's last piece
                yield read[0] if len(read) == 1 else _joined(read)
                read = []


def _joined(docs: list[Doc]) -> Doc:
    # Each piece ends after whitespace and the next starts on a word: joined as they are,
    # their texts are the article's text and their tokens its tokens. Nothing reads the
    # tok2vec tensors, which would take a copy of all of them.
    doc = Doc.from_docs(docs, ensure_whitespace=False, exclude=["tensor"])
    if not doc.has_annotation("DEP"):  # sentence starts from the senter can be changed
        end = 0
        for piece in docs[:-1]:
            end += len(piece)
            # The senter makes the whitespace ending a piece a sentence of its own; read
            # whole, it belongs to the sentence before it.
            i = end - 1
            while i > end - len(piece) and doc[i].is_space:
                doc[i].is_sent_start = False
                i -= 1
    return doc


def _load(name: str) -> Language:
    nlp = spacy.load(name)
    nlp.add_pipe(
        "entity_ruler",
        name=RULER_NAME,
        before="ner" if "ner" in nlp.pipe_names else None,
        # The ruler runs before the model, which then respects its spans:
        # an editor's alias wins over the statistical guess.
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True},
    )
    nlp.add_pipe(GUARD_NAME, after=RULER_NAME)
    return nlp


def _model_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "missing"
