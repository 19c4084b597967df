"""Deployment checks: how the fetcher introduces itself to the sites it reads."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def fetch_contact_check(app_configs, **kwargs):
    """A crawler names a contact in its User-Agent, so a site's staff can reach the desk before blocking it."""
    if settings.FETCH_CONTACT_URL.startswith(("https://", "http://", "mailto:")):
        return []
    return [Warning(
        "FETCH_CONTACT_URL is not set: the sites the followed sources read cannot tell who fetches their pages.",
        hint="Set FETCH_CONTACT_URL to a page or mailto: address of the desk; it goes into the User-Agent.",
        id="sources.W001",
    )]
