"""The insights page: the desk's picture of the news over a period, and each chart's data as CSV."""

import csv
import io
from dataclasses import replace
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from articles.models import Source
from digests.exports import csv_cell
from insights import selectors
from stories.models import Story
from watches.models import Watch

can_view = permission_required("articles.view_article", raise_exception=True)


def _params(request) -> selectors.InsightParams:
    """The page's params; without actors chosen, the share of voice is that of the actors the user
    watches (watches.Watch), if any."""
    params = selectors.InsightParams.from_query(request.GET)
    if params.actors:
        return params
    watched = (Watch.objects.of(request.user).filter(kind=Watch.Kind.ACTOR).order_by("created_at", "id")
               .values_list("actor_id", flat=True)[:selectors.WATCHED_MAX])
    return replace(params, actors=tuple(watched))


def _story(params: selectors.InsightParams) -> Story | None:
    return Story.objects.filter(id=params.story).first() if params.story else None


def _charts(params: selectors.InsightParams, story: Story | None) -> list[selectors.Chart]:
    charts = [build(params) for build in selectors.CHARTS.values()]
    return ([selectors.story_outlets(params, story)] if story else []) + charts


@login_required
@can_view
def insights_page(request):
    params = _params(request)
    story = _story(params)
    context = {"params": params, "story": story, "charts": _charts(params, story), "periods": selectors.PERIODS,
               "sources": list(Source.objects.only("id", "name")), "actor_choices": selectors.actor_choices(params),
               "query": urlencode(params.as_query())}
    return render(request, "insights/page.html", context)


@login_required
@can_view
def insights_csv(request, chart: str):
    """One chart's data table as CSV (the cells a spreadsheet would run as formulas quoted)."""
    params = _params(request)
    if chart == "story":
        story = _story(params)
        if story is None:
            raise Http404
        data = selectors.story_outlets(params, story)
    elif chart in selectors.CHARTS:
        data = selectors.CHARTS[chart](params)
    else:
        raise Http404
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(text) for text in data.head])
    writer.writerows([csv_cell(cell.text) for cell in row] for row in data.table)
    response = HttpResponse(("\ufeff" + out.getvalue()).encode(), content_type="text/csv; charset=utf-8")
    name = f"insights-{chart}-{params.start.isoformat()}-{params.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
