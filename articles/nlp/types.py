"""Plain data the pipeline takes and returns. No Django here."""

from dataclasses import dataclass, field

KINDS = ("person", "organisation", "place", "event", "other")
# A desk's convention for where a mention starts, learned from its editors' spans: the title written
# before a person's name ("président", "M.") is part of the mention.
TITLES_IN_PERSONS = "titles_in_persons"


@dataclass(frozen=True)
class TopicSpec:
    """One topic of the taxonomy, as the pipeline sees it.

    ``cues`` maps a language code to cue patterns: a word ("attentat"), a word
    with a trailing ``*`` matching any ending ("terroris*"), or a phrase of
    such words ("jeux olympiques"). ``actor_cues`` are actor names or aliases
    whose mention is evidence for the topic ("Front Polisario"). ``parent`` is the
    slug of the broader topic this one narrows ("" for a top-level topic). ``thresholds`` maps a
    language code to the score from which the topic is suggested in that language (a language not
    there: the pipeline's default).
    """

    slug: str
    cues: dict[str, tuple[str, ...]]
    actor_cues: tuple[str, ...] = ()
    iptc_top_level: bool = False
    parent: str = ""
    thresholds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Knowledge:
    """What editors taught the registry; it steers the next run.

    ``aliases``: (surface, kind) pairs found by an entity ruler before the
    statistical model, in every language; ``language_aliases``: (surface,
    kind, language) triples for the ruler of one language only.
    ``rejected``: normalised surfaces never suggested again, either for every
    kind (kind "") or for one kind, as (normalised, kind);
    ``source_rejected``: (source id, normalised, kind) triples, the same for
    the articles of one source only. ``conventions``: the desk's span conventions in force
    (TITLES_IN_PERSONS).
    """

    aliases: tuple[tuple[str, str], ...] = ()
    rejected: frozenset[tuple[str, str]] = frozenset()
    language_aliases: tuple[tuple[str, str, str], ...] = ()
    source_rejected: frozenset[tuple[int, str, str]] = frozenset()
    conventions: frozenset[str] = frozenset()

    def aliases_for(self, language: str) -> list[tuple[str, str]]:
        return [*self.aliases, *((s, k) for s, k, lang in self.language_aliases if lang == language)]

    def rejected_by_source(self) -> dict[int, frozenset[tuple[str, str]]]:
        """Global rejections plus each source's own, per source id."""
        by_source: dict[int, set[tuple[str, str]]] = {}
        for source, normalised, kind in self.source_rejected:
            by_source.setdefault(source, set(self.rejected)).add((normalised, kind))
        return {source: frozenset(pairs) for source, pairs in by_source.items()}


@dataclass(frozen=True)
class MentionSpan:
    start: int
    end: int
    text: str
    kind: str
    origin: str  # "model" or "rule"
    group: int  # index into Annotation.groups
    confidence: float | None = None


@dataclass(frozen=True)
class ActorGroup:
    """Mentions of one actor inside one article ("Angela Merkel", "Merkel")."""

    name: str  # the fullest surface, used as the actor's canonical name
    kind: str
    surfaces: tuple[str, ...]


@dataclass(frozen=True)
class RoleSpan:
    """A title or role written next to a person ("ministre français de l'Intérieur")."""

    group: int  # index into Annotation.groups: the person it describes
    title: str  # as written in the stored text, without the leading article
    start: int  # offsets of the title in the text
    end: int


@dataclass(frozen=True)
class TopicHit:
    slug: str
    score: float
    evidence: tuple[tuple[int, int], ...]  # sentence offsets into the text


# Below this confidence the speaker came from the context (the quote or sentence next to it, a title or
# description no one holds), not from the cue's own subject: pages ask the editor to check it, and a digest
# leaves it out until an editor accepts the quote.
SPEAKER_INFERRED_BELOW = 0.7


@dataclass(frozen=True)
class QuoteSpan:
    """Direct or reported speech and who said it.

    ``start``/``end`` cover the quoted words without the quotation marks
    (for reported speech: the reported clause). ``speaker_group`` indexes
    Annotation.groups (None when no speaker was found); ``cue`` is the verb or
    phrase that attributes it as written ("a déclaré", "selon", "said");
    ``speaker_role`` the title the text used for the speaker, as written
    ("le chef de la diplomatie française"), when it named them that way.
    ``confidence`` says how sure the speaker is, from 0 to 1 (None without a speaker): about 0.9 for a
    name that is the subject of the speech verb, less for a pronoun, a title, or a speaker carried over
    from a neighbouring sentence or quote (0.6). No speaker is given without evidence.
    """

    start: int
    end: int
    text: str
    kind: str  # direct | fragment | reported
    speaker_group: int | None
    cue: str = ""
    speaker_role: str = ""
    confidence: float | None = None
    evidence: str = ""  # how the speaker was found: "name", "pronoun", "previous quote < name" …


@dataclass
class Annotation:
    language: str
    supported: bool
    pipeline_version: str
    mentions: list[MentionSpan] = field(default_factory=list)
    groups: list[ActorGroup] = field(default_factory=list)
    topics: list[TopicHit] = field(default_factory=list)
    quotes: list[QuoteSpan] = field(default_factory=list)
    roles: list[RoleSpan] = field(default_factory=list)
    content_end: int | None = None  # where trailing site boilerplate starts, if any
