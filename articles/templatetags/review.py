"""The article body with its mentions, rendered in Python.

A long article holds a thousand mentions; rendering each through the template
engine (display labels, URL reversing) costs ~0.5 ms apiece, which would make
the review page grow with the article. Here labels are looked up once and the
markup is joined directly, escaping everything that comes from the text.
"""

from html import escape as _escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from articles.models import Decision, Kind, Origin
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


def _mention_link(mention, text, *, current_id, kinds, decisions, oob=False) -> str:
    kind = kinds.get(mention.kind, mention.kind)
    actor = f": {mention.actor_name}" if mention.actor_name else ""
    title = f"{kind}{actor} · {decisions.get(mention.decision, mention.decision)}"
    swap = ' hx-swap-oob="true"' if oob else ""
    return (
        f'<a id="m-{mention.id}" class="mention kind-{mention.kind} decision-{mention.decision}'
        f'{" is-current" if mention.id == current_id else ""}" href="?mention={mention.id}#m-{mention.id}" '
        f'data-mention="{mention.id}" data-kind-label="{escape(kind)}" '
        f'title="{escape(title)}"{swap}>{escape(text)}</a>'
    )


@register.simple_tag
def highlighted_body(segments, current=None):
    kinds = _labels(Kind.choices)
    decisions = _labels(Decision.choices)
    current_id = current.id if current is not None else None
    cropped = gettext("Not part of the article")
    parts = []
    for segment in segments:
        if segment.cropped:
            parts.append(f'<span class="cropped" title="{escape(cropped)}">{escape(segment.text)}</span>')
        elif segment.mention is None:
            parts.append(escape(segment.text))
        else:
            parts.append(_mention_link(segment.mention, segment.text, current_id=current_id, kinds=kinds,
                                       decisions=decisions))
    return mark_safe("".join(parts))


@register.simple_tag
def mentions_oob(mentions, current=None):
    """Mentions of the text, each to replace its link in the page (a decision's answer)."""
    kinds = _labels(Kind.choices)
    decisions = _labels(Decision.choices)
    current_id = current.id if current is not None else None
    return mark_safe("".join(
        _mention_link(m, m.text, current_id=current_id, kinds=kinds, decisions=decisions, oob=True)
        for m in mentions
    ))


@register.simple_tag
def actor_groups_list(groups, hidden_groups=(), oob=False):
    """The actor groups; ``hidden_groups`` are the ids of the groups whose mentions are all
    rejected, kept as empty items so that a decision bringing one back has a place to show it."""
    kinds = _labels(Kind.choices)
    decisions = _labels(Decision.choices)
    origins = _labels(Origin.choices)
    actor_url = reverse("articles:actor", args=[0])[:-1]  # + the id, without reversing per group
    swap = ' hx-swap-oob="true"' if oob else ""
    parts = []
    for group in groups:
        mentions = "".join(
            f'<li><a href="?mention={m.id}#mention-panel" hx-get="?mention={m.id}" hx-target="#mention-panel" '
            f'hx-swap="outerHTML">{escape(m.text)}</a> <span class="muted">{m.start}–{m.end} · '
            f"{escape(origins.get(m.origin, m.origin))} · {escape(decisions.get(m.decision, m.decision))}</span></li>"
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
