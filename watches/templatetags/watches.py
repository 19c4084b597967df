"""The Watch / Unwatch button of the actor, source and story pages."""

from django import template

from watches.selectors import watch_of

register = template.Library()


@register.inclusion_tag("watches/_watch_button.html", takes_context=True)
def watch_button(context, kind: str, target_id: int, back: str) -> dict:
    """The user's watch of the target (one query) and the form that starts or ends it, coming back to ``back``
    (the page's own address: the button may be drawn in a fragment answering another address)."""
    return {"watch": watch_of(context["request"].user, kind, target_id), "kind": kind, "target": target_id,
            "next": back, "csrf_token": context.get("csrf_token")}
