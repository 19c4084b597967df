"""Content-Security-Policy: one strict policy on every page, a script-free one for the digest e-mail,
and templates that need nothing more (the browser's side is in test_browser_csp.py)."""

import re
import secrets

import pytest
from django.conf import settings
from django.urls import reverse

from articles.models import Mention
from digests.views import EMAIL_CSP
from imports.models import ImportBatch
from tests.conftest import REPO, make_user
from tests.test_digests import build_digest, newsroom
from tests.test_settings import manage

pytestmark = pytest.mark.django_db

CSP = "Content-Security-Policy"


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


@pytest.fixture
def found():
    return newsroom()


@pytest.fixture
def staff_client(client):
    user = make_user("chief", "admin")
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def assert_site_policy(response):
    assert response.status_code == 200, response.status_code
    policy = directives(response[CSP])
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response[CSP]


def test_the_login_page_has_the_policy(client):
    assert_site_policy(client.get(reverse("login")))


@pytest.mark.parametrize("name", ["articles:list", "articles:actors", "digests:list", "articles:new", "sources:list"])
def test_every_page_has_the_policy(editor_client, found, name):
    assert_site_policy(editor_client.get(reverse(name)))


def test_the_review_page_has_the_policy(editor_client, found):
    assert_site_policy(editor_client.get(reverse("articles:detail", args=[found["rabat"].id])))


def test_an_htmx_fragment_has_the_policy(editor_client, found):
    article = found["rabat"]
    mention = Mention.objects.filter(article=article).first()
    response = editor_client.get(reverse("articles:detail", args=[article.id]), {"mention": mention.id},
                                 headers={"HX-Request": "true", "HX-Target": "mention-panel"})
    assert_site_policy(response)
    assert b"<html" not in response.content


def test_the_digest_builder_and_its_fragments_have_the_policy(editor_client, found):
    digest = build_digest([found["rabat"], found["jo"]])
    assert_site_policy(editor_client.get(reverse("digests:detail", args=[digest.id])))
    fragment = editor_client.get(reverse("digests:detail", args=[digest.id]), {"topic": "terrorism"},
                                 headers={"HX-Request": "true", "HX-Target": "pull-results"})
    assert_site_policy(fragment)
    assert_site_policy(editor_client.get(reverse("digests:preview", args=[digest.id])))


def test_the_admin_has_the_policy(staff_client, found):
    batch = ImportBatch.objects.create(original_filename="feed.csv", format="csv", status="done", parsed=2)
    for path in ["/admin/", "/admin/articles/article/", f"/admin/articles/article/{found['rabat'].id}/change/",
                 "/admin/imports/importbatch/", "/admin/imports/importbatch/import/",
                 f"/admin/imports/importbatch/{batch.id}/change/"]:
        assert_site_policy(staff_client.get(path))


def test_the_digest_email_has_its_own_policy_without_scripts(editor_client, found):
    digest = build_digest([found["rabat"]])
    for response in [editor_client.get(reverse("digests:export", args=[digest.id, "html"]), {"inline": "1"}),
                     editor_client.get(reverse("digests:export", args=[digest.id, "html"]))]:
        assert response.status_code == 200 and response[CSP] == EMAIL_CSP
        policy = directives(response[CSP])
        assert policy["default-src"] == "'none'" and "script-src" not in policy
        assert policy["style-src"] == "'unsafe-inline'"
        assert "sandbox" in policy and policy["sandbox"] == ""
    # The page around the frame keeps the site's policy.
    assert_site_policy(editor_client.get(reverse("digests:preview", args=[digest.id])))


def test_error_pages_have_the_policy(editor_client):
    response = editor_client.get("/articles/999999")
    assert response.status_code == 404 and "script-src 'self'" in response[CSP]


def test_django_debug_pages_keep_their_inline_styles_in_debug(editor_client, settings):
    settings.DEBUG = True
    response = editor_client.get("/no-such-page")
    assert response.status_code == 404 and CSP not in response


def test_production_sends_the_same_policy(tmp_path):
    result = manage("shell", "--no-imports", "-c",
                    "from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY); "
                    "print('pressreview.middleware.ContentSecurityPolicyMiddleware' in settings.MIDDLEWARE)",
                    PRESSREVIEW_ENV="production", SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="press.example",
                    PRESSREVIEW_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [settings.CONTENT_SECURITY_POLICY, "True"]


# The templates themselves: what the policy would refuse in a browser.

TEMPLATE_DIRS = [REPO / "templates", *sorted(REPO.glob("*/templates"))]
# Documents that never load under the site's policy: the e-mail (inline styles
# for mail clients, served with EMAIL_CSP) and the PDF's source (WeasyPrint).
OWN_STYLES = {"digests/templates/digests/email.html", "digests/templates/digests/print.html"}

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"\s(on[a-z]+|hx-on[:-][\w:.-]*|data-hx-on[:-][\w:.-]*)\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)


def templates():
    for folder in TEMPLATE_DIRS:
        for path in sorted(folder.rglob("*.html")):
            yield path.relative_to(REPO).as_posix(), path.read_text(encoding="utf-8")


def test_the_template_scan_sees_the_templates():
    names = [name for name, _text in templates()]
    assert "templates/_base.html" in names and "digests/templates/digests/builder.html" in names
    assert "imports/templates/admin/imports/importbatch/detail.html" in names


@pytest.mark.parametrize(("pattern", "sample"), [
    (INLINE_SCRIPT, "<script>alert(1)</script>"),
    (HANDLER, '<button onclick="go()">'),
    (HANDLER, '<form hx-on::after-request="go()">'),
    (JAVASCRIPT_URL, '<a href="javascript:go()">'),
    (INLINE_STYLE, '<div style="width: 3em">'),
    (INLINE_STYLE, "<style>p { color: red }</style>"),
], ids=["script", "handler", "hx-on", "javascript-url", "style-attribute", "style-element"])
def test_the_template_scan_catches_what_the_policy_refuses(pattern, sample):
    assert pattern.search(sample)
    assert not pattern.search('<script src="/static/x.js" defer></script><a href="/x" class="style" data-on="1">')


def test_no_template_has_an_inline_script_or_handler():
    found = [(name, match.group(0)) for name, text in templates()
             for pattern in (INLINE_SCRIPT, HANDLER, JAVASCRIPT_URL) for match in pattern.finditer(text)]
    assert found == []


def test_no_page_template_has_an_inline_style():
    found = [(name, match.group(0).strip()) for name, text in templates() if name not in OWN_STYLES
             for match in INLINE_STYLE.finditer(text)]
    assert found == []
