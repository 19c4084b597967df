from django import template

from digests import exports, selectors

register = template.Library()


@register.filter
def period(digest) -> str:
    return exports.period_label(digest)


@register.filter
def http_url(url) -> str:
    return exports.http_url(url)


@register.filter
def outlets(names) -> str:
    return exports.outlets_text(list(names or []))


@register.filter
def quote_text(text) -> str:
    """A quote without its own quotation marks (the layout adds them)."""
    return (text or "").strip(exports.QUOTE_MARKS)


@register.filter
def format_label(fmt) -> str:
    export_format = exports.FORMATS.get(fmt)
    return export_format.label if export_format else fmt


@register.simple_tag(takes_context=True)
def draft_digests_for(context, article):
    """The drafts an article can be added to, each with ``has_article`` set; empty for
    someone who may not change digests (the control is then not shown)."""
    request = context.get("request")
    if request is None or not request.user.has_perm("digests.add_digestitem"):
        return []
    return selectors.draft_digests(article_id=article.id)
