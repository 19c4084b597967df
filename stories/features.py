"""What an article says about its event, as weighted keys: plain Python, no Django.

An article is a sparse vector over three kinds of keys: words of its title and text
("t:word": lemmas from the language model's table of forms where it has one, else a light
plural strip; folded, stop words out), the registry actors it mentions ("a:42": people,
organisations and places, whatever the language or spelling) and the peoples its text names
where the entities leave them out ("p:americain", weighed as actors). Each key is weighed by how
rare it is in the archive (inverse document frequency), actors more than words: two articles
in two languages meet through their actors and places, two similar events apart through the
actors, places, numbers and dates they do not share.
"""

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache

Vector = dict[str, float]

# A registry actor is worth more than a word: one id whatever the spelling or language.
ACTOR_WEIGHT = 2.5
# The title says what the event is; counted as if written this many times.
TITLE_REPEAT = 2
# Keys kept per article and per story: enough for the event, bounded whatever the text's length.
ARTICLE_KEYS = 200
STORY_KEYS = 400



@cache
def _stop_words() -> frozenset[str]:
    # Imported when first needed: spaCy's French module takes seconds to import, which a web
    # process that never weighs an article should not pay.
    from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP_WORDS
    from spacy.lang.fr.stop_words import STOP_WORDS as FR_STOP_WORDS

    folded = {"".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))
              for word in EN_STOP_WORDS | FR_STOP_WORDS}
    return frozenset(folded | {"said", "says", "also", "would", "could", "selon", "ete", "fait", "dit", "mme"})

# Words are read with their accents, for the lemma table, then folded: "Évacués" → "evacue".
_TOKEN = re.compile(r"[^\W\d_][\w'-]*[^\W\d_]|\d+(?:[.,]\d+)?")
_KEPT = re.compile(r"[a-z][a-z'-]*[a-z]|\d+(?:[.,]\d+)?")
_ELISION = re.compile(r"^(?:[ldjmntsc]|qu|jusqu|lorsqu|puisqu)'")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'").lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _lemma(token: str, lemmas: Mapping) -> str:
    lemma = lemmas.get(token)
    if lemma:
        lemma = fold(lemma[0] if isinstance(lemma, list) else lemma)
        # Without the part of speech the table gives a past participle either its verb or its own
        # entry ("blessés" → "blesser", "blessé" → "blessé"): one key for both.
        return lemma[:-1] if lemma.endswith("er") and len(lemma) > 4 else lemma
    token = fold(token)
    # A plural is the same word: "earthquakes" and "earthquake", "blessés" and "blessé".
    if len(token) > 4 and token[-1] in "sx" and not token.endswith("ss"):
        token = token[:-1]
    return token


def words(text: str, lemmas: Mapping = {}) -> list[str]:  # noqa: B006 (never written)
    """The text's content words as lemmas (``lemmas``: a model's table of forms to lemmas,
    ``Annotator.lemma_table``; without one, a plural strip), folded; stop words out, as written
    and as lemmas ("depuis", "entre" → "entrer"), and one- and two-letter words."""
    out, stop_words = [], _stop_words()
    text = unicodedata.normalize("NFC", text.replace("\u2019", "'").lower())
    for token in _TOKEN.findall(text):
        token = _ELISION.sub("", token).removesuffix("'s")
        if fold(token) in stop_words:
            continue
        token = _lemma(token, lemmas)
        if len(token) > 2 and token not in stop_words and _KEPT.fullmatch(token):
            out.append(token)
    return out


def peoples(text: str, lemmas: Mapping = {}, *, adjectives: frozenset[str] = frozenset(),  # noqa: B006
            mentioned: Iterable[str] = ()) -> list[str]:
    """Inhabitants and peoples the text names ("les Américains", "la Franco-Colombienne"), read as
    ``words`` reads them: words written with a capital inside a sentence whose lemma is one of the
    language's ``adjectives``, and that no mention of the article (``mentioned``) holds. French
    leaves them out of its entities (they name no one), yet they say where an event happens."""
    out, held = [], set(words(" ".join(mentioned), lemmas))
    text = unicodedata.normalize("NFC", text.replace("\u2019", "'"))
    for match in _TOKEN.finditer(text):
        elided = _ELISION.match(match.group().lower())
        bare = match.group()[elided.end() if elided else 0 :]
        if _names_a_people(bare, lemmas, adjectives) and not _opens_sentence(text, match.start()):
            out.extend(word for word in words(bare, lemmas) if word not in held)
    return out


def _names_a_people(word: str, lemmas: Mapping, adjectives: frozenset[str]) -> bool:
    if not word[:1].isupper() or word.isupper():
        return False  # words in capitals are headlines and acronyms
    head, _, last = word.lower().rpartition("-")
    if head and not all(part.endswith("o") for part in head.split("-")):
        return False  # "Franco-Colombienne": combining forms, then the demonym; not "Paris-based"
    lemma = lemmas.get(last)
    return last in adjectives or (lemma[0] if isinstance(lemma, list) else lemma) in adjectives


def _opens_sentence(text: str, i: int) -> bool:
    i -= 1
    while i >= 0 and text[i] in _BETWEEN_SENTENCES:
        i -= 1
    return i < 0 or text[i] in ".!?…:;\n"


_BETWEEN_SENTENCES = frozenset(" \t\u00a0\u202f\"«»“”()-–—")


def term_counts(*, title: str, text: str, actor_ids: Iterable[int], lemmas: Mapping = {},  # noqa: B006
                adjectives: frozenset[str] = frozenset(), mentioned: Iterable[str] = ()) -> Counter:
    """Raw counts of the article's keys (words of the title counted ``TITLE_REPEAT`` times; the peoples
    the text names outside its mentions weighed as actors, see ``peoples``)."""
    counts = Counter(f"t:{w}" for w in words(text, lemmas))
    for _ in range(TITLE_REPEAT):
        counts.update(f"t:{w}" for w in words(title, lemmas))
    counts.update(f"a:{actor_id}" for actor_id in actor_ids)
    counts.update(f"p:{w}" for w in peoples(text, lemmas, adjectives=adjectives, mentioned=mentioned))
    return counts


def idf(df: int, total: int) -> float:
    return math.log((total + 1) / (df + 1)) + 1.0


def weigh(counts: Mapping[str, int], *, df: Mapping[str, int], total: int) -> Vector:
    """The unit vector of the article: sublinear counts times rarity, actors weighed up, top keys kept."""
    vector = {}
    for key, count in counts.items():
        weight = (1.0 + math.log(count)) * idf(df.get(key, 0), total)
        vector[key] = weight * ACTOR_WEIGHT if key.startswith(("a:", "p:")) else weight
    return normalised(top(vector, ARTICLE_KEYS))


def top(vector: Mapping[str, float], n: int) -> Vector:
    if len(vector) <= n:
        return dict(vector)
    # Ties broken by key: the same input always keeps the same keys.
    return dict(sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))[:n])


def norm(vector: Mapping[str, float]) -> float:
    return math.sqrt(sum(w * w for w in vector.values()))


def normalised(vector: Mapping[str, float]) -> Vector:
    length = norm(vector)
    return {k: w / length for k, w in vector.items()} if length else {}


def cosine(a: Mapping[str, float], b: Mapping[str, float], *, b_norm: float | None = None) -> float:
    """Cosine similarity; ``b_norm``: the norm of ``b`` if already known (a story's centroid, compared many times)."""
    length = norm(a) * (norm(b) if b_norm is None else b_norm)
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(k, 0.0) for k, w in a.items()) / length if length else 0.0


def add(centroid: Mapping[str, float], vector: Mapping[str, float], sign: float = 1.0) -> Vector:
    """The centroid (a sum of unit vectors) with ``vector`` added or, with ``sign=-1``, taken out."""
    out = dict(centroid)
    for key, weight in vector.items():
        value = out.get(key, 0.0) + sign * weight
        if abs(value) > 1e-9:
            out[key] = value
        else:
            out.pop(key, None)
    return {k: round(w, 6) for k, w in top(out, STORY_KEYS).items() if w > 0}
