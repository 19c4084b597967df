"""The chief editor's pages for sending digests: distribution lists and their recipients,
the send form with its confirmation, the delivery log with a retry."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from digests import delivery
from digests.delivery import DeliveryError
from digests.models import Bounce, Delivery, Digest, DistributionList, Recipient, Schedule
from pressreview import confirm
from pressreview.inputs import cleaned, id_or_none, posted_id

# Sending, lists and recipients belong to those who publish (chief editors).
can_send = permission_required("digests.publish_digest", raise_exception=True)

RECIPIENTS_PAGE = 200
WEEKDAYS = [(1, gettext_lazy("Monday")), (2, gettext_lazy("Tuesday")), (3, gettext_lazy("Wednesday")),
            (4, gettext_lazy("Thursday")), (5, gettext_lazy("Friday")), (6, gettext_lazy("Saturday")),
            (7, gettext_lazy("Sunday"))]


def _published(digest_id: int) -> Digest:
    return get_object_or_404(Digest.objects.published(), id=digest_id)


def _mail_context() -> dict:
    return {"writes_files": not settings.EMAIL_HOST, "mail_folder": settings.EMAIL_FILE_PATH,
            "site_url": settings.SITE_URL}


@login_required
@can_send
def lists_page(request):
    if request.method == "POST":
        try:
            created = delivery.distribution_list_create(name=request.POST.get("name", ""),
                                                        description=request.POST.get("description", ""))
        except DeliveryError as exc:
            messages.error(request, str(exc))
        else:
            return redirect("digests:list-detail", list_id=created.id)
    lists = DistributionList.objects.annotate(
        subscribed=Count("recipients", filter=Q(recipients__unsubscribed_at__isnull=True)),
        unsubscribed=Count("recipients", filter=Q(recipients__unsubscribed_at__isnull=False)),
        bouncing=Count("recipients", filter=Q(recipients__bounced_at__isnull=False)),
    )
    return render(request, "digests/lists.html", {"lists": lists})


def _list_context(distribution_list: DistributionList, request, form=None) -> dict:
    recipients = Paginator(distribution_list.recipients.all(), RECIPIENTS_PAGE)
    return {"list": distribution_list, "recipients": recipients.get_page(id_or_none(request.GET.get("page")) or 1),
            "languages": settings.LANGUAGES, "form": form or {},
            "schedules": list(distribution_list.schedules.select_related("last_digest")),
            "feed_url": delivery.feed_url(distribution_list),
            "weekdays": WEEKDAYS, "default_timezone": settings.TIME_ZONE}


def _schedule_change(distribution_list: DistributionList, post) -> str:
    """A schedule action of the list page; the message to show."""
    action = post.get("action")
    if action == "schedule_add":
        time = cleaned(forms.TimeField(), post.get("time"))
        if time is None:
            raise DeliveryError(_("Give the time of the sending, e.g. 07:30."))
        days = [day for day in (id_or_none(value) for value in post.getlist("weekdays")) if day]
        delivery.schedule_create(distribution_list=distribution_list, weekdays=days, time=time,
                                 timezone_name=post.get("timezone", ""))
        return _("Schedule added: the latest published digest the list has not had goes out at that time.")
    schedule = get_object_or_404(Schedule, id=posted_id(post, "schedule") or 0, distribution_list=distribution_list)
    if action == "schedule_delete":
        delivery.schedule_delete(schedule=schedule)
        return _("Schedule removed.")
    delivery.schedule_set_enabled(schedule=schedule, enabled=action == "schedule_resume")
    return _("Schedule resumed.") if action == "schedule_resume" else _("Schedule paused.")


@login_required
@can_send
def list_detail(request, list_id):
    distribution_list = get_object_or_404(DistributionList, id=list_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("schedule_add", "schedule_pause", "schedule_resume", "schedule_delete"):
                messages.success(request, _schedule_change(distribution_list, request.POST))
            elif action == "csv":
                result = delivery.recipients_import_csv(distribution_list=distribution_list,
                                                        text=request.POST.get("csv", ""))
                messages.success(request, _("%(added)d new recipients, %(existing)d known already.")
                                 % {"added": result.added, "existing": result.existing})
                if result.unsubscribed:
                    messages.warning(request, _("Unsubscribed, they will not receive anything: %(emails)s")
                                     % {"emails": ", ".join(result.unsubscribed[:20])})
            else:
                delivery.recipient_add(email=request.POST.get("email", ""), name=request.POST.get("name", ""),
                                       language=request.POST.get("language", "fr"),
                                       distribution_list=distribution_list)
                messages.success(request, _("Recipient added."))
        except DeliveryError as exc:
            messages.error(request, str(exc))
            return render(request, "digests/list_detail.html",
                          _list_context(distribution_list, request, form=request.POST), status=400)
        return redirect("digests:list-detail", list_id=list_id)
    return render(request, "digests/list_detail.html", _list_context(distribution_list, request))


def _emails(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").replace("\n", ",").split(",") if part.strip()]


@login_required
@can_send
def send_page(request, digest_id):
    """GET: the form. POST "test": a message to the chief editor now. POST "check": the confirmation
    with the number of recipients. POST "confirm": queue the sending."""
    digest = _published(digest_id)
    lists = list(DistributionList.objects.all())
    context = {"digest": digest, "lists": lists, **_mail_context()}
    if request.method != "POST":
        return render(request, "digests/send.html", context)
    action = request.POST.get("action")
    chosen = [lst for lst in lists if str(lst.id) in request.POST.getlist("list")]
    emails = _emails(request.POST.get("emails", ""))
    context.update(chosen=chosen, emails_text=request.POST.get("emails", ""))
    try:
        if action == "test":
            delivery.digest_test_send(digest=digest, email=request.user.email)
            messages.success(request, _("A test message was sent to %(email)s.") % {"email": request.user.email})
            return redirect("digests:send", digest_id=digest.id)
        if action == "confirm":
            plan = delivery.deliveries_queue(digest=digest, emails=emails, lists=chosen, user=request.user)
            messages.success(request, _("Sending to %(n)d recipients.") % {"n": plan.count})
            return redirect("digests:deliveries", digest_id=digest.id)
        if not emails and not chosen:
            raise DeliveryError(_("Choose a list or give at least one address."))
        context["plan"] = delivery.send_plan(digest=digest, emails=emails, lists=chosen)
    except DeliveryError as exc:
        context["error"] = str(exc)
        return render(request, "digests/send.html", context, status=400)
    return render(request, "digests/send.html", context)


@login_required
@can_send
def deliveries_page(request, digest_id):
    digest = _published(digest_id)
    # The delays reported for each delivery (a permanent failure is its state and error already).
    delays = Prefetch("bounces", queryset=Bounce.objects.filter(kind=Bounce.Kind.SOFT), to_attr="delays")
    deliveries = (Delivery.objects.filter(digest=digest).select_related("recipient").prefetch_related(delays)
                  .order_by("email"))
    counts = dict(deliveries.order_by().values_list("state").annotate(n=Count("id")))
    return render(request, "digests/deliveries.html", {
        "digest": digest, "deliveries": deliveries[:5000], "counts": counts,
        "public_url": delivery.public_url(digest), "retryable": counts.get("failed", 0) + counts.get("unknown", 0),
        **_mail_context()})


@require_POST
@login_required
@can_send
def deliveries_retry(request, digest_id):
    digest = _published(digest_id)
    ids = [int(i) for i in request.POST.getlist("delivery") if i.isdigit()] or None
    count = delivery.deliveries_retry(digest=digest, delivery_ids=ids)
    messages.success(request, _("%(n)d deliveries queued again.") % {"n": count})
    return redirect("digests:deliveries", digest_id=digest.id)


def _revoke_question(digest: Digest) -> confirm.Question:
    return confirm.Question(
        title=_("Revoke the public link of “%(title)s”?") % {"title": digest.title},
        action=reverse("digests:public-link", args=[digest.id]),
        fields={"action": "revoke"},
        button=_("Revoke the public link"),
        cancel=reverse("digests:deliveries", args=[digest.id]),
        consequences=[
            _("The address stops working at once: the “read online” links in the messages already sent lead "
              "nowhere."),
            _("A new link can be made later, at another address."),
        ],
    )


@require_http_methods(["GET", "POST"])
@login_required
@can_send
def public_link(request, digest_id):
    """Make a public link, or revoke it once confirmed (pressreview.confirm): the GET asks about revoking."""
    digest = _published(digest_id)
    if request.method == "GET" or request.POST.get("action") == "revoke":
        if not confirm.confirmed(request):
            return confirm.ask(request, _revoke_question(digest))
        delivery.digest_public_link_revoke(digest=digest)
        messages.success(request, _("The public link no longer works."))
    else:
        delivery.digest_public_link_ensure(digest=digest)
        messages.success(request, _("The digest has a new public link."))
    return redirect("digests:deliveries", digest_id=digest.id)


@require_POST
@login_required
@can_send
def recipient_change(request, list_id, recipient_id):
    """Correct a recipient's name and language, take the recipient out of the list, or clear its
    bouncing (it is sent to again)."""
    distribution_list = get_object_or_404(DistributionList, id=list_id)
    recipient = get_object_or_404(Recipient, id=recipient_id, lists=distribution_list)
    if request.POST.get("action") == "clear_bounce":
        delivery.recipient_bounce_clear(recipient=recipient)
        messages.success(request, _("%(email)s will be sent to again.") % {"email": recipient.email})
    elif request.POST.get("action") == "remove":
        delivery.recipient_remove(recipient=recipient, distribution_list=distribution_list)
        messages.success(request, _("%(email)s is no longer in the list.") % {"email": recipient.email})
    else:
        delivery.recipient_update(recipient=recipient, name=request.POST.get("name", ""),
                                  language=request.POST.get("language", ""))
        messages.success(request, _("%(email)s saved.") % {"email": recipient.email})
    return redirect(reverse("digests:list-detail", args=[list_id]) + f"#recipient-{recipient.id}")


def _feed_question(distribution_list: DistributionList, action: str) -> confirm.Question:
    renew = action == "renew"
    return confirm.Question(
        title=(_("Give the feed of “%(name)s” a new address?") if renew
               else _("Stop the feed of “%(name)s”?")) % {"name": distribution_list.name},
        action=reverse("digests:list-feed", args=[distribution_list.id]),
        fields={"action": action},
        button=_("Make a new address") if renew else _("Stop the feed"),
        cancel=reverse("digests:list-detail", args=[distribution_list.id]),
        consequences=[_("Feed readers using the current address get nothing more from it.")],
    )


@require_http_methods(["GET", "POST"])
@login_required
@can_send
def list_feed_manage(request, list_id):
    """Make the list's feed address; renew or stop it once confirmed (pressreview.confirm), since
    either cuts off the feed readers that use the current address."""
    distribution_list = get_object_or_404(DistributionList, id=list_id)
    action = confirm.params(request).get("action")
    if action not in ("renew", "revoke"):
        action = "renew"
    if distribution_list.feed_token and not confirm.confirmed(request):
        return confirm.ask(request, _feed_question(distribution_list, action))
    if request.method == "GET":
        return redirect("digests:list-detail", list_id=list_id)
    if action == "revoke":
        delivery.distribution_list_feed_revoke(distribution_list=distribution_list)
        messages.success(request, _("The feed no longer answers."))
    else:
        delivery.distribution_list_feed_renew(distribution_list=distribution_list)
        messages.success(request, _("The list's feed has a new address."))
    return redirect(reverse("digests:list-detail", args=[list_id]) + "#feed-heading")
