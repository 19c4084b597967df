"""Who said what: direct quotes, quoted fragments and reported speech, with their speaker.

What ``find_quotes`` guarantees:

- every span it returns indexes the stored text: ``text[start:end] == QuoteSpan.text``, ``start < end``, ``end``
  is at or before ``content_end`` (site boilerplate after it is never read), spans come in text order and no two
  share the same (start, end);
- a direct quote or fragment covers the words between its quotation marks, without the marks, the spaces inside
  them (U+00A0 and U+202F included) or a trailing comma. Marks read: « », “ ” „, ‹ ›, straight " (paired by the
  spaces around them; after a number it is seconds or inches and never opens a quote; after a comma and a space it
  may close the open quote, '"…, "Smith said'), and single ‘ ’ or ' only when both ends are found where an apostrophe
  cannot be; a curly opening mark no curly mark closes ends at the next straight closing mark (“…," in mixed copy);
- a quote inside a quote gives the outer one only. An opening mark never closed ends its quote where a quote
  inside it closes at the end of a sentence (« … je m'étais dit : « Il faut y aller ». Mais …: one mark closes
  both), else at the next opening mark of its kind that starts a sentence ("… avant. « J'y veillerai »"), else at
  the end of the paragraph. A closing mark followed by a comma with no opening mark before it in its paragraph
  ('Engagez-vous", a-t-il ajouté') closes the words from the paragraph start;
- kind "direct" is a statement: a clause with a finite verb, a capitalised sentence of its own, or a long passage
  a speech verb introduces; a few words of someone's inside the reporter's sentence are kind "fragment"; kind
  "reported" is a clause a speech verb or a source introduces ("X a déclaré que …", "X said (that) …", "selon X,
  …", "…, according to X.") and is only returned when its speaker is known and it holds no direct quote;
- words in quotation marks that are nobody's are not returned: a scare quote ("so-called", « soi-disant »), the
  title of a work ("le film « … »"), the name of a charge ("mis en examen pour « … »", "charged with "…"", however
  long when it holds no finite verb, and each charge listed after it: « … » et « … »), one or two words between a
  determiner and a noun with no speaker ('a "rugged" model': a label), a few words alone in brackets after a word
  (des messages instantanés (« chats »): a gloss), a name in title case or capitalised
  mid-sentence ("le « Nid d'oiseau »"), and a few words (up to four, no finite verb) in a sentence with neither a
  speech verb nor a person or organisation;
- the speaker is a group index of a person or organisation, or of a place only when the place itself is the subject of
  the speech verb ("a déclaré l'Élysée", "Pékin a averti": a seat of government). It is the subject of a speech verb
  after the quote ("« … », a déclaré X", ""…," said X", "« … » X a déclaré"), before it ("X a déclaré : « … »"), or
  inside it (« …, a-t-il dit, … », and « …, selon X, … » in a quote its mark closes), or opening the last clause of
  the quote's sentence past the words read after it ("… sur « … » du décret qui …, a déclaré X."; never for a quote
  that ends its own sentence); after an inverted French verb, the outlet or place it spoke on or to is skipped ("a dit
  sur une radio X", "a déclaré à France Inter la députée X"). A new sentence after a quote ('"…." Smith said the firm
  would grow') gives it its speaker only when no one is named as speaking before the quote in its paragraph, and then
  as a guess; "selon X", "according to X", "pour X," name it too, but a source the reporter cites for the sentence
  ("…, a-t-il ajouté, selon l'AFP", "X a affirmé qu'il « … », selon un enregistrement obtenu par Y") never outranks a
  speech verb whose speaker is known, and a document after "selon" names no one. A relative pronoun speaks for the
  noun before it ("le parti qui l'a qualifiée de « … »"); a speech verb coordinated with a first clause shares its
  subject ("X a défendu le « … », et a exhorté …", "X said … and promised "…""), or that of the subordinate clause it
  closes when no comma stands before the coordinator ("X told them that when Y arrived she smiled and asked: "…"" is
  Y's, never X's), and a participle the speaker of the cue it follows ("…, a-t-il souligné, estimant que « … »"); a
  short name in brackets ("The Chambers of Commerce (BCC) said") and adverbs between subject and verb are skipped. A
  pronoun is a person named outside quotes, "elle"/"she" a woman when the text tells (courtesy title, gendered title
  next to the name, agreement, "he" or "she" opening the sentence after one whose subject is its one person); it is no
  one when the nearest such woman is not her sentence's subject and that subject's gender is untold, and "it" is the
  organisation that is the subject of the nearest sentence naming one, no one when it only qualifies a noun there or
  someone else was quoted by a speech verb since it was named. An impersonal French « on » ("a-t-on assuré", "dit-on")
  is the institution named right after the cue, else (a guess) the organisation or seat of government quoted just
  before, else no one. "with X claiming …" is X, and so is "X was quoted as saying"; "ce dernier", "the latter" are
  the latest person named, "explique celui qui …" is read as a pronoun, "Et d'ajouter : « … »" goes on with the last
  speaker, "Réaction de X : « … »" is X's; "selon une source proche de X", "according to a source close to X" name no
  one; "pour sa part", "de son côté", adverbs between commas and a named medium may stand between an inverted verb and
  its subject; two people joined as a subject leave a pronoun after them to no one, and a name in a heading line (a
  few words alone on their line, no sentence mark) is no pronoun's antecedent. A passive speech verb is its agent's
  ("X a été accusé de « … » par Y"), else no one's; the noun an asking or blaming verb addresses, before an infinitive
  ("a appelé la France à agir", "urged Acme to act"), never speaks; "selon lui" after its sentence's verb is that
  sentence's subject or no one; after a French inverted verb a second noun phrase after the listener's opens the
  subject ("a déclaré à la presse son avocat, X"); a masculine nationality noun after its article ("le Belge")
  describes a person. A title ("le chef de la diplomatie française", "the company's chief executive") or a noun
  describing someone ("le musicien", "la chanteuse", "the actor", an age alone, "the 55-year-old said", and a one-word
  "person", inhabitant or aged noun the entity model took for a name: "the Scot", "la Neuchâteloise", "the 55-year-old
  Frenchman") is the person named right after it or set beside it ("le producteur X", "répond son agent, l'avocat X",
  "selon le représentant du groupe en Europe, X,"), else the person whose role matches it (a role matched on some
  words only must come first), else the subject of the nearest sentence naming a fitting person and the latest person
  quoted when they agree or only one is known (for a title, neither may carry another title of the article), else no
  one; a description in a sentence naming someone else before it ("X is fit, but the Scot admitted") is no one, and so
  is one the text made the possessor of the person it would give ("The actor's friend X …. The actor refused"); a
  title with a possessive or a person's name ("son avocat", "Harper's lawyer", "l'avocat de X") is never that person,
  nor a title such as "the judge" the subject of a passive before it ("X was sentenced"). Gender counts: "la
  responsable" is no man, "the spokesman" no woman, and a French determiner tells it for a noun with one form ("la
  ministre"). A role the text gives only later must hold every word of the title, unless the person the article is
  about there is no one else; a title naming an organisation ("the club's manager") held by no one is no one.
  ``speaker_role`` then keeps the phrase as written; "un porte-parole", "an official" are unnamed (no group, phrase
  kept), "a spokesman for X" is organisation X, and so are "a company spokesman", "an X spokeswoman" (a word of the
  name of an organisation named before) and "un porte-parole du groupe" (the organisation named before, never one only
  spoken to: "à l'AFP", "told the BBC"); "l'association" named only by the organisation opening the next sentence is
  it, as a guess; a statement speaks for the organisation that issued it ("the Acme statement said", "le communiqué de
  X précise"). "said the company's analyst Jane Smith" is Jane Smith, and so is "Acme president and chief executive
  Jane Smith …, saying". A name only qualifying the subject is not it: "Rovers manager X", "Smith's lawyer, X", "le
  patron de la banque Y, X" give X; the listener after "told" ("told BBC Radio 4's Today programme"), the agent of a
  passive ("reçus par le maire X"), a complement ("avec l'équipe X"), a name opening the reported clause ("insisted Mr
  X was speaking") and coordinated subjects ("X and Y said", but not "Milan won at Old Trafford and X said") give no
  one. A pronoun goes first to a title or description that is the subject or the speaker of a sentence between it and
  the nearest name ("The Tory leader countered …. He declared:" is the Tory leader; "But a spokeswoman insisted ….
  "…," she said" is no one); else to the subject of the nearest sentence naming a fitting person (over sentences whose
  own subject is a pronoun), to the inverted subject of a speech verb there, to a surname the entity model missed as
  that sentence's subject, to the sentence's one person, else to no one; a nearer sentence opening with a surname the
  entity model missed ("Marsh went home. "…," he said") is that person's; the inverted subject of a speech verb ("X a
  une chance, a déclaré Y") is its sentence's subject, ahead of the reported clause's; a speaker the text did not name
  or the entity model did not take for a person in between leaves it unresolved. With no speech verb, a colon hands
  the quote to the subject of its sentence ("X a été plus direct : « … »"; an opening phrase such as "Speaking to the
  BBC," is skipped), of the clause the colon ends when a speech verb stands only in an earlier one ("Interrogé sur ce
  qu'il avait dit, X est resté sur la même ligne : « … »"), and to the agent of a passive verb or no one, never its
  subject ("X a été renvoyé dans les cordes par sa collègue, Y : « … »"); a one-word "person" that is a participle
  opening its sentence or paragraph ("Interrogé sur …") names no one; "said Police Sgt. X" is X when the entity model
  ran the title into a name up to its abbreviation; a speech verb before a colon owns its quote even when its subject
  is unknown; a quote with no cue shares, as a guess, the speaker of the next quote in its sentence whose cue closes
  the sentence when no one else is named or speaks between them ("« A », les ventes … « B », estime X"), and a quote
  run together with the next one shares its cue, unless the run goes on from a quote someone else said ('"A," said X.
  "B. "C," added Y.': B is X's, as a guess); a statement with no attribution continues the quote next to it, or the
  previous one when no one else is named and no one else speaks in between (a bare participle, "Sa carrière lancée,
  …", speaks for no one), or takes the speaker of the reporter's sentence right before it ("…, Howard said. "…""); a
  fragment with no cue is, as a guess, the words of its sentence's active subject when no one else is named before it
  ("X est allé jusqu'à saluer le « … »"); a statement alone on its line with no sentence mark at its end (a heading)
  continues no quote before it and is, as a guess, the words of the first later quote with a speaker that repeats two
  of its words (on their first five letters);
- ``confidence`` says how sure the speaker is (None without one): 0.9 for a name that is the subject of the speech
  verb or the source after "selon", less for a surname matched (one the tagger took for a noun included), a
  title, a pronoun, a seat of government or an organisation named again, 0.6 for a speaker carried over from a
  neighbour or guessed ("the company" given the latest organisation whatever its name is a guess) (below 0.7 the
  digest hides it until an editor accepts it);
- ``cue`` is the attribution as written ("a déclaré", "a-t-il ajouté", "dit-il", "selon", "said"), empty when the
  speaker came from a colon or a neighbouring quote;
- ``evidence`` says how the speaker was found (context.py lists them: "name", "pronoun", "colon", "previous quote <
  pronoun" for a speaker carried from a quote whose own came from a pronoun …), empty without a speaker.

The dependency parser is not in the pipeline: the rules read tokens, POS tags, morphology, sentence
starts and entity mentions, and small word lists per language (speech verbs, titles, pronouns). No
rule names a person, a place or a sentence. Languages without word lists get quotes and kinds, no
speakers. The work is linear in the text: each quote looks at a bounded window around it.
"""

import re
from bisect import bisect_left
from collections.abc import Sequence

import numpy
from spacy.attrs import IDX, LENGTH, POS, SENT_START
from spacy.parts_of_speech import NAMES
from spacy.tokens import Doc

from ..lexicon import lexicon_for
from ..types import ActorGroup, MentionSpan, QuoteSpan, RoleSpan
from .attribution import _attribute, _continue_speakers
from .context import _Context
from .marks import _index_quotes, _kind, _nobodys_words, _pair_marks, _trim
from .pronouns import _genders
from .reported import _reported

_POS = {int(code): name for code, name in NAMES.items()}
_LINE_BREAKS = re.compile(r"\n\s*")


def find_quotes(
    doc: Doc,
    text: str,
    mentions: Sequence[MentionSpan],
    groups: Sequence[ActorGroup],
    roles: Sequence[RoleSpan],
    language: str,
    content_end: int | None = None,
) -> list[QuoteSpan]:
    """Direct quotes, fragments and reported speech of ``text``, in text order."""
    folded = doc.text
    limit = min(len(text), len(folded), content_end if content_end is not None else len(text))
    ctx = _context(doc, folded, text, mentions, groups, roles, language, limit)
    ctx.quotes = [q for q in _pair_marks(text, limit) if _trim(text, q)]
    if not ctx.quotes and ctx.lexicon is None:
        return []
    _index_quotes(ctx)
    if ctx.lexicon is not None:
        ctx.genders = _genders(ctx)  # after the quotes: a pronoun inside one tells nothing of the reporter's people
    for quote in ctx.quotes:
        attribution = _attribute(ctx, quote)
        if attribution is not None:
            quote.attributed, quote.by_verb, quote.cue_after = True, attribution.by_verb, attribution.after
            quote.speaker, quote.cue, quote.role = attribution.speaker, attribution.cue, attribution.role
            quote.confidence, quote.evidence = attribution.confidence, attribution.evidence
        quote.kind = _kind(ctx, quote)
    _continue_speakers(ctx)
    spans = [
        QuoteSpan(
            q.start,
            q.end,
            text[q.start : q.end],
            q.kind,
            q.speaker,
            q.cue,
            q.role,
            q.confidence if q.speaker is not None else None,
            q.evidence if q.speaker is not None else "",
        )
        for q in ctx.quotes
        if not _nobodys_words(ctx, q)
    ]
    spans.extend(_reported(ctx))
    seen: set[tuple[int, int]] = set()
    unique = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if (span.start, span.end) not in seen and span.start < span.end <= limit:
            seen.add((span.start, span.end))
            unique.append(span)
    return unique


def _context(
    doc: Doc,
    folded: str,
    text: str,
    mentions: Sequence[MentionSpan],
    groups: Sequence[ActorGroup],
    roles: Sequence[RoleSpan],
    language: str,
    limit: int,
) -> _Context:
    # Token attributes are read once, in bulk: creating a Token per access dominates the time otherwise.
    columns = doc.to_array([IDX, LENGTH, POS, SENT_START])
    idx = columns[:, 0].tolist()
    ends = (columns[:, 0] + columns[:, 1]).tolist()
    lower = [folded[a:b].lower() for a, b in zip(idx, ends, strict=True)]
    pos = [_POS.get(tag, "") for tag in columns[:, 2].tolist()]
    sent = numpy.cumsum(columns[:, 3] == 1).tolist()
    # A paragraph starts after each run of line breaks (blank lines included).
    breaks = [match.start() for match in _LINE_BREAKS.finditer(folded)]
    para = numpy.searchsorted(numpy.asarray(breaks, dtype=numpy.int64), columns[:, 0], side="left").tolist()
    owner: list[MentionSpan | None] = [None] * len(idx)
    kept = sorted(
        (m for m in mentions if m.end <= limit and not _participle_taken_for_name(m, idx, pos, sent, para)),
        key=lambda m: m.start,
    )
    for mention in kept:
        for i in range(bisect_left(idx, mention.start), bisect_left(idx, mention.end)):
            owner[i] = mention
    ctx = _Context(
        doc,
        text,
        lexicon_for(language),
        limit,
        idx,
        ends,
        lower,
        pos,
        para,
        sent,
        owner,
        kept,
        groups,
        roles,
    )
    return ctx


def _participle_taken_for_name(
    mention: MentionSpan, idx: list[int], pos: list[str], sent: list[int], para: list[int]
) -> bool:
    """A one-word "person" that is a participle opening its sentence or paragraph ("Interrogé sur ses propos, X a …",
    "Asked about it, X said"): the entity model took the capital for a name; it names no one, and a pronoun
    or a speech verb read as it would give the quote to no one."""
    first = bisect_left(idx, mention.start)
    if mention.kind != "person" or first >= len(idx) or bisect_left(idx, mention.end) - first != 1:
        return False
    return pos[first] == "VERB" and (first == 0 or sent[first] != sent[first - 1] or para[first] != para[first - 1])
