"""Asking before an action that cannot simply be taken back: a merge, a publication,
a deletion, a revoked link.

Such a view acts only on a POST that carries ``confirm=yes``. Its GET, and a POST
without the field, answer with a page that says what the action will do and a button
that posts it again with the field: what people without JavaScript see. With
JavaScript, the button that starts the action carries the question
(``data-confirm``), a native <dialog> asks it in place (static/pressreview/confirm.js)
and the form goes with the field.

Why the POST needs the field too, and not only the GET: a form of a page loaded
before the question existed, a double submission or another page's script would
otherwise act without anyone having said yes. Nothing legitimate posts without it:
other programs use the JSON API.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

FIELD = "confirm"


def confirmed(request: HttpRequest) -> bool:
    """Whether the request says yes to the question (only a POST can)."""
    return request.method == "POST" and request.POST.get(FIELD) == "yes"


def params(request: HttpRequest):
    """Where the action's own values are: the form's on a POST, the address's on the question's GET."""
    return request.POST if request.method == "POST" else request.GET


@dataclass
class Question:
    """What the confirmation page shows: the question, what will happen, the button."""

    title: str
    action: str  # the address the confirmed POST goes to
    button: str
    cancel: str  # where "Cancel" leads
    consequences: list[str] = field(default_factory=list)
    fields: dict = field(default_factory=dict)  # the action's own values, sent again

    def url(self) -> str:
        return f"{self.action}?{urlencode(self.fields)}" if self.fields else self.action


def ask(request: HttpRequest, question: Question) -> HttpResponse:
    """The confirmation page; to htmx (a form whose dialog did not run), a redirect to it."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = question.url()
        return response
    return render(request, "confirm.html", {"question": question})
