"""Deployment checks: what the e-mailed press review needs from the settings."""

import os
from pathlib import Path
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


@register(Tags.compatibility, deploy=True)
def bounce_maildir_check(app_configs, **kwargs):
    """The bounce reader needs a Maildir it can move messages out of."""
    if not settings.BOUNCE_MAILDIR:
        return []
    maildir = Path(settings.BOUNCE_MAILDIR)
    if all((maildir / sub).is_dir() and os.access(maildir / sub, os.W_OK) for sub in ("new", "cur", "tmp")):
        return []
    return [Warning(
        f"BOUNCE_MAILDIR is {settings.BOUNCE_MAILDIR!r}, which is not a Maildir this process can write to: "
        "bounces are not read.",
        hint="Point it at the folder holding new/, cur/ and tmp/ that the mail server delivers the bounce address "
             "to, readable and writable by the workers.",
        id="digests.W002",
    )]
