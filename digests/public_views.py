"""Pages for recipients, who have no account: the digest read online by its public
token, and the personal unsubscribe page. No login, no app navigation."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from digests import delivery, exports
from digests.models import Digest, DistributionList, Recipient
from digests.selectors import view_for
from digests.views import EMAIL_CSP
from pressreview.middleware import content_security_policy


def _private(response: HttpResponse) -> HttpResponse:
    # The token is the key: never in another site's Referer, never indexed, never cached by a proxy.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


@content_security_policy(EMAIL_CSP)
@require_http_methods(["GET", "HEAD"])
def digest_public(request, token):
    """The published digest, as the e-mail shows it, for whoever holds the link (until revoked)."""
    digest = Digest.objects.published().filter(public_token=token).first()
    if digest is None:
        raise Http404
    view = view_for(digest)
    view.permalink = ""  # this page is the online version
    return _private(HttpResponse(exports.email_html(view), content_type="text/html; charset=utf-8"))


FEED_ENTRIES = 20


@require_http_methods(["GET", "HEAD"])
def list_feed(request, token):
    """The Atom feed of the digests sent to a list, newest first, for whoever holds its address
    (until a chief editor revokes or renews it). Each entry holds the digest as published."""
    distribution_list = DistributionList.objects.filter(feed_token=token).first()
    if distribution_list is None:
        raise Http404
    own_url = delivery.feed_url(distribution_list)
    feed = Atom1Feed(title=distribution_list.name, link=settings.SITE_URL + "/", feed_url=own_url,
                     description=distribution_list.description, feed_guid=f"{own_url}#feed")
    digests = distribution_list.digests_sent.published().order_by("-published_at", "-id")[:FEED_ENTRIES]
    for digest in digests:
        view = view_for(digest)
        feed.add_item(
            title=digest.title,
            link=delivery.public_url(digest) or own_url,
            description=render_to_string("digests/feed_entry.html", {"digest": view}),
            unique_id=delivery.entry_id(digest),
            pubdate=digest.published_at,
            updateddate=digest.published_at,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return _private(response)


def _csrf_refused(request):
    return CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """GET shows a button (a link scanner that follows links unsubscribes nobody); POST
    unsubscribes. RFC 8058's one-click POST (``List-Unsubscribe=One-Click``, sent by mail
    clients without cookies) is the one request taken without a CSRF token: the unguessable
    token in the address is what authorises it; the page's own form keeps CSRF protection."""
    recipient = Recipient.objects.filter(token=token).first()
    if recipient is None:
        raise Http404
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        if not one_click:
            refused = _csrf_refused(request)
            if refused is not None:
                return refused
        recipient = delivery.recipient_unsubscribe(token=token)
        if one_click:
            return _private(HttpResponse("Unsubscribed.\n", content_type="text/plain; charset=utf-8"))
    return _private(render(request, "digests/unsubscribe.html", {"recipient": recipient}))
