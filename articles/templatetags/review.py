"""The article body with its mentions, and the quotes, rendered in Python.

A long article holds a thousand mentions and hundreds of quotes; rendering each
through the template engine (display labels, URL reversing) costs ~0.5 ms
apiece, which would make the review page grow with the article. Here labels are
looked up once and the markup is joined directly, escaping everything that
comes from the text.
"""

from functools import lru_cache
from html import escape as _escape

from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from articles.models import Decision, Kind, Origin, Quote, speakers_in_words
from articles.services.ingest import is_web_url

register = template.Library()


@register.filter
def http_url(url) -> str:
    """``url`` if a page may link to it (http or https with a host), else "": rows
    stored before ingest checked URLs may hold a ``javascript:`` one."""
    return url if is_web_url(url) else ""


def escape(text) -> str:
    # The standard library's escape (what Django's wraps) without the lazy-string
    # check, which would cost more than the escaping at a thousand mentions.
    return _escape(str(text), quote=True)


def _labels(choices) -> dict[str, str]:
    # Choice labels are lazy translations: resolve each once, not once per mention.
    return {value: str(label) for value, label in choices}


SWAP_OOB = ' hx-swap-oob="true"'


def _mention_link(mention, text, *, current_id, oob=False) -> str:
    # Nothing per mention that the page can say once: the kind's label comes from a stylesheet
    # (``mention_kinds_css``), the actor and the decision's details from the panel, the id from ``id``.
    return (
        f'<a id="m-{mention.id}" class="mention kind-{mention.kind} decision-{mention.decision}'
        f'{" is-current" if mention.id == current_id else ""}" href="?mention={mention.id}#m-{mention.id}"'
        f'{SWAP_OOB if oob else ""}>{escape(text)}</a>'
    )


@register.simple_tag
def highlighted_body(segments, current=None):
    current_id = current.id if current is not None else None
    cropped = gettext("Not part of the article")
    parts = []
    for segment in segments:
        if segment.cropped:
            parts.append(f'<span class="cropped" title="{escape(cropped)}">{escape(segment.text)}</span>')
        elif segment.mention is None:
            parts.append(escape(segment.text))
        else:
            parts.append(_mention_link(segment.mention, segment.text, current_id=current_id))
    return mark_safe("".join(parts))


@register.simple_tag
def mentions_oob(mentions, current=None):
    """Mentions of the text, each to replace its link in the page (a decision's answer)."""
    current_id = current.id if current is not None else None
    return mark_safe("".join(_mention_link(m, m.text, current_id=current_id, oob=True) for m in mentions))


@register.simple_tag
def actor_groups_list(groups, hidden_groups=(), oob=False):
    """The actor groups; ``hidden_groups`` are the ids of the groups whose mentions are all
    rejected, kept as empty items so that a decision bringing one back has a place to show it."""
    kinds = _labels(Kind.choices)
    decisions = {value: escape(label) for value, label in _labels(Decision.choices).items()}
    origins = {value: escape(label) for value, label in _labels(Origin.choices).items()}
    actor_url = reverse("articles:actor", args=[0])[:-1]  # + the id, without reversing per group
    swap = SWAP_OOB if oob else ""
    parts = []
    for group in groups:
        # Plain links: one delegated handler in review.js opens a mention's panel in place.
        mentions = "".join(
            f'<li><a href="?mention={m.id}#mention-panel">{escape(m.text)}</a> <span class="muted">{m.start}–{m.end}'
            f" · {origins.get(m.origin) or escape(m.origin)}"
            f" · {decisions.get(m.decision) or escape(m.decision)}</span></li>"
            for m in group.mentions
        )
        name = escape(group.name)
        if group.actor_id:
            name = f'<a href="{actor_url}{group.actor_id}">{name}</a>'
        parts.append(
            f'<li id="{group.dom_id}"{swap}><span class="kind-dot kind-{group.kind}" aria-hidden="true"></span> '
            f'<strong>{name}</strong> '
            f'<span class="muted">{escape(kinds.get(group.kind, group.kind))} · {len(group.mentions)}×</span>'
            f'<ul class="mentions">{mentions}</ul></li>'
        )
    parts.extend(f'<li id="{dom_id}" hidden{swap}></li>' for dom_id in hidden_groups)
    return mark_safe("".join(parts))


def _truncate(text: str, length: int) -> str:
    # As the truncatechars filter, without its Truncator (which costs more than the whole quote).
    return text if len(text) <= length else text[: length - 1] + "…"


@lru_cache(maxsize=16)
def _quote_labels(language: str) -> dict:
    # Resolved once per interface language (the argument), not once per quote.
    labels = {
        "kind": _labels(Quote.QuoteKind.choices), "origin": _labels(Origin.choices),
        "decision": _labels(Decision.choices), "no_speaker": gettext("speaker not found"),
        "accept": gettext("Accept"), "reject": gettext("Reject"), "edit": gettext("Edit"),
        "accept_label": gettext("Accept the quote %(start)s"), "reject_label": gettext("Reject the quote %(start)s"),
        "edit_label": gettext("Edit the quote %(start)s"),
        "inferred": gettext("speaker inferred from the context: check it"),
    }
    # Escaped as they are, but the "%(start)s" ones, escaped once the quote's start is in.
    return {key: {k: escape(v) for k, v in value.items()} if isinstance(value, dict)
            else value if key.endswith("_label") else escape(value)
            for key, value in labels.items()}


@register.simple_tag
def quote_ranges(quotes) -> str:
    """The quotes not rejected as "start-end," each: what review.js underlines in the text."""
    return "".join(f"{quote.start}-{quote.end}," for quote in quotes if quote.decision != Decision.REJECTED)


def _quote_urls(article_id: int) -> tuple[str, str, str]:
    """The actor page's address and a quote's decision address, to complete with an id (one reverse
    for all the quotes of a page, not two per quote)."""
    decide_head, _sep, decide_tail = reverse("articles:quote-decide", args=[article_id, 0]).rpartition("/0/")
    return reverse("articles:actor", args=[0])[:-1], f"{decide_head}/", f"/{decide_tail}"


@register.simple_tag
def quote_items(quotes, article, *, editable=False):
    """The review page's quotes, none of them open (see ``quote_head``)."""
    labels, urls = _quote_labels(translation.get_language()), _quote_urls(article.id)
    return mark_safe("".join(f"{_quote_head(quote, article, editable, labels=labels, urls=urls)}</li>\n"
                             for quote in quotes))


@register.simple_tag
def quote_head(quote, article, *, editable=False, open_quote=None, oob=False):
    """A quote of the review page up to its editor: ``<li>``, the text, speaker and state, and for an
    editor its Accept and Reject (each posts the page's one ``quote-actions`` form to its quote's
    address; review.js sends it with htmx) and its Edit link; the template adds the editor of the
    open quote and closes the ``</li>``."""
    return mark_safe(_quote_head(quote, article, editable, open_quote=open_quote, oob=oob,
                                 labels=_quote_labels(translation.get_language()), urls=_quote_urls(article.id)))


def _quote_head(quote, article, editable, *, labels, urls, open_quote=None, oob=False) -> str:
    actor_url, decide_head, decide_tail = urls
    decision = quote.decision
    speaker = labels["no_speaker"]
    if quote.speaker_id:
        speaker = speakers_in_words([f'<a href="{actor_url}{actor.id}">{escape(actor.name)}</a>'
                                     for actor in quote.speakers()])
    if quote.speaker_role:
        speaker += f" (“{escape(quote.speaker_role)}”)"
    if quote.speaker_inferred():
        speaker += f' · <em class="speaker-inferred">{labels["inferred"]}</em>'
    cue = f" · {escape(quote.cue)}" if quote.cue else ""
    parts = [
        f'<li class="quote decision-{escape(decision)}" id="quote-{quote.id}"{SWAP_OOB if oob else ""} '
        f'data-evidence="{quote.start}-{quote.end}" tabindex="-1">'
        f'<blockquote lang="{escape(article.language)}">{escape(_truncate(quote.text, 400))}</blockquote>\n'
        f'<p class="muted">{speaker}{cue} · {labels["kind"].get(quote.kind) or escape(quote.kind)}'
        f' · {labels["origin"].get(quote.origin) or escape(quote.origin)}'
        f' · <strong>{labels["decision"].get(decision) or escape(decision)}</strong></p>\n'
    ]
    if editable:
        start = {"start": _truncate(quote.text, 40)}
        decide = f"{decide_head}{quote.id}{decide_tail}"
        buttons = [(Decision.ACCEPTED, "accept"), (Decision.REJECTED, "reject")]
        parts.append('<p class="inline-actions">')
        parts.extend(
            f'<button form="quote-actions" formaction="{decide}" name="decision" value="{value}" class="{name}" '
            f'aria-label="{escape(labels[name + "_label"] % start)}">'
            f"{labels[name]}</button> "
            for value, name in buttons if decision != value
        )
        hidden = " hidden" if quote.id == open_quote else ""
        parts.append(f'<a href="?quote={quote.id}#quote-{quote.id}" class="quote-edit"{hidden} '
                     f'aria-label="{escape(labels["edit_label"] % start)}">{labels["edit"]}</a></p>\n')
    return "".join(parts)
