"""Deployment checks: what the e-mailed press review needs from the settings."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_check(app_configs, **kwargs):
    """Recipients follow links built from SITE_URL: it must be the site's public https address."""
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme == "https" and parts.hostname and parts.hostname not in ("localhost", "127.0.0.1", "::1"):
        return []
    return [Warning(
        f"SITE_URL is {settings.SITE_URL!r}: the links of e-mailed digests (read online, unsubscribe) would not "
        "reach recipients.",
        hint="Set SITE_URL to the public https address of this site, e.g. https://press.example.",
        id="digests.W001",
    )]
