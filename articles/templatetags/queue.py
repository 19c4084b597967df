"""The queue's rows, rendered in Python.

A queue page lists a hundred articles; through the template engine each row's
lookups, filters and dates cost about half a millisecond, most of the page's
time. Here a row's markup is joined directly, every value from the database
escaped, the labels translated once per page (as ``review`` does for the
article body).
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, localize
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext

from articles.models import Article

register = template.Library()

_DETAIL = "987654321"  # an id no other part of the address holds, replaced by each article's


def _time(value) -> str:
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f'<time datetime="{local.isoformat()}">{escape(date_format(local, "SHORT_DATE_FORMAT"))}</time>'


def _row(article: Article, *, can_bulk: bool, detail: str, labels: dict, french: bool) -> str:
    link = detail.replace(_DETAIL, str(article.id))
    title = escape(article.title)
    cells = []
    if can_bulk:
        select = escape(labels["select"] % {"title": article.title})
        cells.append(f'<td class="select"><input type="checkbox" id="select-{article.id}" name="articles" '
                     f'value="{article.id}" hx-preserve="true" aria-label="{select}">'
                     f'<input type="hidden" name="shown" value="{article.id}"></td>')
    copies = getattr(article, "copies", None)
    near = ""
    if copies:
        links = ", ".join(
            f'<a href="{detail.replace(_DETAIL, str(copy.id))}">'
            f'{escape(Truncator(str(copy.source) if copy.source else copy.title).chars(60))}</a>' for copy in copies)
        near = f'\n            <p class="muted near-copies">{labels["copies"]} {links}</p>'
    cells.append(f'<td class="title"><a href="{link}">{title}</a>{near}</td>')
    cells.append(f"<td>{escape(str(article.source)) if article.source else '—'}</td>")
    published = _time(article.published_at) if article.published_at else "—"
    cells.append(f'<td class="date">{published}\n            <span class="muted">{labels["added"]} '
                 f"{_time(article.created_at)}</span></td>")
    cells.append(f"<td>{escape(article.language) or '—'}</td>")
    cells.append(f'<td><span class="badge status-{escape(article.status)}">'
                 f"{escape(str(article.get_status_display()))}</span></td>")
    cells.append(f'<td><span class="badge review-{escape(article.review_state)}">'
                 f"{escape(str(article.get_review_state_display()))}</span></td>")
    actors = "".join(f'<li class="chip actor kind-{escape(actor.kind)}">{escape(actor.name)} '
                     f'<span class="muted">{localize(actor.count)}×</span></li>' for actor in article.top_actors)
    cells.append(f'<td class="wide"><ul class="queue-chips">{actors}</ul></td>')
    topics = "".join(
        f'<li class="chip topic">{escape(capfirst(t.topic.name_fr if french else t.topic.name_en))}</li>'
        for t in article.shown_topics)
    cells.append(f'<td class="wide"><ul class="queue-chips">{topics}</ul></td>')
    return "\n        <tr>\n          " + "\n          ".join(cells) + "\n        </tr>\n"


@register.simple_tag
def article_rows(articles, can_bulk=False):
    """The ``<tr>`` of each article of a queue page (``selectors.queue_rows`` gave them their actors
    and topics; the grouped queue, their near copies)."""
    labels = {"select": gettext("Select %(title)s"), "copies": escape(gettext("Near copies:")),
              "added": escape(gettext("added"))}
    detail = reverse("articles:detail", args=[int(_DETAIL)])
    french = translation.get_language() == "fr"
    return mark_safe("".join(_row(article, can_bulk=bool(can_bulk), detail=detail, labels=labels, french=french)
                             for article in articles))
