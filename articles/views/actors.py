"""The actor registry's screens: directory, actor page, merges, duplicates, learned records."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from articles import selectors
from articles.actor_params import ACTOR_SORTS, ActorParams
from articles.duplicates import duplicate_suggestions
from articles.models import Actor, ActorAlias, ActorMerge, ConventionOff, Kind, ReannotationJob, RejectedSurface
from articles.services import actors as registry
from articles.services.actors import RegistryError
from pressreview import confirm
from pressreview.htmx import stop_polling, vary_on_htmx
from pressreview.inputs import posted_id

can_view = permission_required("articles.view_actor", raise_exception=True)
can_edit = permission_required("articles.change_actor", raise_exception=True)
can_merge = permission_required("articles.merge_actor", raise_exception=True)
can_delete_alias = permission_required("articles.delete_actoralias", raise_exception=True)
can_unreject = permission_required("articles.delete_rejectedsurface", raise_exception=True)
can_reannotate = permission_required("articles.reannotate_article", raise_exception=True)
can_stop_convention = permission_required("articles.add_conventionoff", raise_exception=True)
can_resume_convention = permission_required("articles.delete_conventionoff", raise_exception=True)

ACTORS_PER_PAGE = 50
ARTICLES_PER_PAGE = 20
DUPLICATES_PER_PAGE = 25


@login_required
@can_view
def actor_list(request):
    params = ActorParams.from_query(request.GET)
    page = Paginator(selectors.actors_for_directory(params), ACTORS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"params": params, "page": page, "kinds": Kind.choices, "sorts": ACTOR_SORTS}
    if request.htmx:
        return vary_on_htmx(render(request, "actors/list.html#results", context))
    return vary_on_htmx(render(request, "actors/list.html", context))


def _actor_context(actor: Actor, *, page_number=None, error: str = "", job: ReannotationJob | None = None) -> dict:
    articles = Paginator(selectors.actor_articles(actor), ARTICLES_PER_PAGE).get_page(page_number)
    return {
        "actor": actor,
        "aliases": list(actor.aliases.select_related("created_by").order_by("surface")),
        "roles": selectors.actor_roles(actor),
        "quotes": selectors.actor_quotes(actor),
        "articles": articles,
        "co_mentioned": selectors.actor_co_mentioned(actor),
        "topics": selectors.actor_topics(actor),
        "timeline": (timeline := selectors.actor_timeline(actor)),
        "timeline_width": max(len(timeline), 12) * 10,  # a lone month is one narrow bar, not the whole width
        "merges": selectors.actor_merges(actor),
        "kinds": Kind.choices,
        "error": error,
        "job": job,
    }


@login_required
@can_view
def actor_detail(request, actor_id):
    actor = get_object_or_404(Actor.objects.select_related("merged_into"), id=actor_id)
    if actor.merged_into_id:
        survivor = actor.survivor()
        messages.info(request, _("“%(merged)s” was merged into “%(survivor)s”.") % {
            "merged": actor.name, "survivor": survivor.name})
        return redirect("articles:actor", actor_id=survivor.id)
    job_id = request.GET.get("job", "")
    job = ReannotationJob.objects.filter(id=job_id).first() if job_id.isdigit() else None
    context = _actor_context(actor, page_number=request.GET.get("page"), job=job)
    if request.htmx and request.htmx.target == "actor-articles":
        return vary_on_htmx(render(request, "actors/detail.html#articles", context))
    return vary_on_htmx(render(request, "actors/detail.html", context))


def _after(request, actor: Actor, *, error: str = "", status: int = 200, job=None):
    """HTMX: the refreshed actor page body; plain form post: back to the page."""
    actor = Actor.objects.select_related("merged_into").get(id=actor.id)
    if request.htmx:
        return render(request, "actors/detail.html#actor-main", _actor_context(actor, error=error, job=job),
                      status=status)
    if error:
        messages.error(request, error)
    return redirect("articles:actor", actor_id=actor.survivor().id)


def _registry_action(request, actor: Actor, action):
    try:
        result = action()
    except RegistryError as exc:
        return _after(request, actor, error=str(exc), status=422)
    return _after(request, actor, job=result if isinstance(result, ReannotationJob) else None)


def _canonical(actor_id) -> Actor:
    return get_object_or_404(Actor.objects.canonical(), id=actor_id)


@require_POST
@login_required
@can_edit
def actor_edit(request, actor_id):
    actor = _canonical(actor_id)
    return _registry_action(request, actor, lambda: registry.actor_update(
        actor=actor, user=request.user, name=request.POST.get("name", ""), kind=request.POST.get("kind", ""),
        description=request.POST.get("description", ""), wikidata_id=request.POST.get("wikidata_id", "")))


@require_POST
@login_required
@can_edit
def alias_add(request, actor_id):
    actor = _canonical(actor_id)
    return _registry_action(request, actor, lambda: registry.actor_alias_add(
        actor=actor, user=request.user, surface=request.POST.get("surface", ""),
        language=request.POST.get("language", "")))


@require_POST
@login_required
@can_delete_alias
def alias_remove(request, actor_id, alias_id):
    alias = get_object_or_404(ActorAlias.objects.select_related("actor"), id=alias_id, actor_id=actor_id)
    return _registry_action(request, alias.actor, lambda: registry.actor_alias_remove(alias=alias, user=request.user))


@require_POST
@login_required
@can_merge
def alias_split(request, actor_id, alias_id):
    alias = get_object_or_404(ActorAlias.objects.select_related("actor"), id=alias_id, actor_id=actor_id)
    try:
        new = registry.actor_split(actor=alias.actor, alias=alias, user=request.user)
    except RegistryError as exc:
        return _after(request, alias.actor, error=str(exc), status=422)
    messages.success(request, _("“%(alias)s” is now its own actor.") % {"alias": new.name})
    return _after(request, alias.actor)


@login_required
@can_merge
def merge_candidates(request, actor_id):
    actor = _canonical(actor_id)
    query = request.GET.get("q", "")
    found = [a for a in selectors.actors_search(query, kind=actor.kind) if a.id != actor.id]
    return render(request, "actors/detail.html#merge-results", {"actor": actor, "candidates": found, "query": query})


def _merge_question(actor: Actor, merged: Actor) -> confirm.Question:
    mentions = merged.mentions.count()
    return confirm.Question(
        title=_("Merge “%(merged)s” into “%(survivor)s”?") % {"merged": merged.name, "survivor": actor.name},
        action=reverse("articles:actor-merge", args=[actor.id]),
        fields={"merged": merged.id},
        button=_("Merge"),
        cancel=reverse("articles:actor", args=[actor.id]),
        consequences=[
            ngettext("Its %(count)d mention goes to “%(survivor)s”, with its aliases, roles and quotes.",
                     "Its %(count)d mentions go to “%(survivor)s”, with its aliases, roles and quotes.",
                     mentions) % {"count": mentions, "survivor": actor.name},
            _("The page of “%(merged)s” then leads to “%(survivor)s”.") % {"merged": merged.name,
                                                                          "survivor": actor.name},
            _("The merge can be undone from the page of “%(survivor)s”.") % {"survivor": actor.name},
        ],
    )


@require_http_methods(["GET", "POST"])
@login_required
@can_merge
def actor_merge(request, actor_id):
    """Merge another actor (``merged``) into this one, once confirmed (pressreview.confirm)."""
    actor = _canonical(actor_id)
    merged_id = posted_id(confirm.params(request), "merged")
    merged = Actor.objects.filter(id=merged_id).first() if merged_id else None
    if merged is None:
        return _after(request, actor, error=_("Choose the actor to merge into this one."), status=422)
    if not confirm.confirmed(request):
        return confirm.ask(request, _merge_question(actor, merged))
    return _registry_action(request, actor, lambda: registry.actor_merge(survivor=actor, merged=merged,
                                                                         user=request.user))


@require_POST
@login_required
@can_merge
def merge_undo(request, merge_id):
    merge = get_object_or_404(ActorMerge.objects.select_related("survivor", "merged"), id=merge_id)
    try:
        registry.actor_merge_undo(merge=merge, user=request.user)
    except RegistryError as exc:
        return _after(request, merge.survivor, error=str(exc), status=422)
    messages.success(request, _("The merge of “%(name)s” was undone.") % {"name": merge.merged.name})
    return _after(request, merge.survivor)


def _duplicates_context(page_number, **extra) -> dict:
    page = Paginator(duplicate_suggestions(), DUPLICATES_PER_PAGE).get_page(page_number)
    return {"page": page, "pairs": page.object_list, **extra}


def _duplicates(request, context, status=200):
    template = "actors/duplicates.html#pairs" if request.htmx else "actors/duplicates.html"
    return vary_on_htmx(render(request, template, context, status=status))


@login_required
@can_merge
def duplicates(request):
    return _duplicates(request, _duplicates_context(request.GET.get("page")))


@require_POST
@login_required
@can_merge
def duplicate_resolve(request):
    """Merge a suggested pair (either way, once confirmed) or dismiss it."""
    first_id, second_id = posted_id(request.POST, "first"), posted_id(request.POST, "second")
    pair = Actor.objects.canonical().in_bulk([first_id or 0, second_id or 0])
    action, page_number = request.POST.get("action", ""), request.POST.get("page") or 1
    if len(pair) != 2:
        messages.error(request, _("One of the two actors was merged or deleted meanwhile."))
    else:
        first, second = pair[first_id], pair[second_id]
        survivor, merged = (first, second) if action == "keep_first" else (second, first)
        if action in ("keep_first", "keep_second") and request.POST.get("confirm") != "yes":
            # Merging moves every mention: asked once more (a <dialog> does it where JavaScript runs).
            confirm = {"survivor": survivor, "merged": merged, "first": first, "second": second, "action": action}
            return _duplicates(request, _duplicates_context(page_number, confirm=confirm))
        try:
            if action == "dismiss":
                registry.duplicate_dismiss(first=first, second=second, user=request.user)
                messages.success(request, _("“%(a)s” and “%(b)s” will not be suggested again.") % {
                    "a": first.name, "b": second.name})
            elif action in ("keep_first", "keep_second"):
                registry.actor_merge(survivor=survivor, merged=merged, user=request.user)
                messages.success(request, _("“%(merged)s” was merged into “%(survivor)s”.") % {
                    "merged": merged.name, "survivor": survivor.name})
        except RegistryError as exc:
            messages.error(request, str(exc))
    if request.htmx:
        return _duplicates(request, _duplicates_context(page_number))
    page = page_number if str(page_number).isdigit() else 1
    return redirect(f"{reverse('articles:actor-duplicates')}?page={page}")


@login_required
@can_view
def learned(request):
    context = {**selectors.learned_records(), "jobs": selectors.reannotation_jobs()}
    return render(request, "actors/learned.html", context)


@require_POST
@login_required
@can_unreject
def rejected_remove(request, rejected_id):
    rejected = get_object_or_404(RejectedSurface, id=rejected_id)
    registry.rejected_surface_remove(rejected=rejected, user=request.user)
    messages.success(request, _("“%(surface)s” can be suggested again.") % {"surface": rejected.surface or
                                                                             rejected.normalised})
    return redirect("articles:actors-learned")


def _convention(name: str) -> str:
    if name not in ConventionOff.Name.values:
        raise Http404("no such convention")
    return name


@require_POST
@login_required
@can_stop_convention
def convention_stop(request, name):
    registry.convention_stop(name=_convention(name), user=request.user)
    messages.success(request, _("The next articles are annotated without this convention."))
    return redirect("articles:actors-learned")


@require_POST
@login_required
@can_resume_convention
def convention_resume(request, name):
    registry.convention_resume(name=_convention(name), user=request.user)
    messages.success(request, _("The editors' mentions decide this convention again."))
    return redirect("articles:actors-learned")


@require_POST
@login_required
@can_reannotate
def reannotate(request):
    """Apply the registry's corrections to past articles: those containing the
    actor's aliases (``actor``) or a rejected surface (``rejected``)."""
    actor_id, rejected_id = posted_id(request.POST, "actor"), posted_id(request.POST, "rejected")
    actor = Actor.objects.canonical().filter(id=actor_id).first() if actor_id else None
    rejected = RejectedSurface.objects.filter(id=rejected_id).first() if rejected_id else None
    try:
        if actor is not None:
            surfaces = list(actor.aliases.values_list("surface", flat=True))
            reason = _("Corrections about “%(name)s”") % {"name": actor.name}
        elif rejected is not None:
            surfaces = [rejected.surface or rejected.normalised]
            reason = _("“%(surface)s” rejected") % {"surface": surfaces[0]}
        else:
            raise RegistryError(_("Choose what to apply to past articles."))
        job = registry.reannotation_start(article_ids=registry.articles_affected(surfaces=surfaces), reason=reason,
                                          user=request.user)
    except RegistryError as exc:
        messages.error(request, str(exc))
        job = None
    else:
        messages.success(request, ngettext("%(count)d article is being annotated again.",
                                           "%(count)d articles are being annotated again.",
                                           len(job.article_ids)) % {"count": len(job.article_ids)})
    if actor is not None:
        return redirect(reverse("articles:actor", args=[actor.id]) + (f"?job={job.id}" if job else ""))
    return redirect("articles:actors-learned")


@login_required
@can_view
def job_progress(request, job_id):
    job = get_object_or_404(ReannotationJob, id=job_id)
    progress = job.progress()
    response = render(request, "actors/_job.html", {"job": job, "progress": progress})
    done, total = progress
    return stop_polling(response) if request.htmx and done >= total else response
