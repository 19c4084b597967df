"""The Content-Security-Policy in real headless Chromium: the pages editors and admins use,
and their htmx exchanges, run without a single refusal."""

import pytest

from articles.models import Actor, ActorAlias, Article, Decision, Mention
from digests.models import ExportJob
from imports.models import ImportBatch, ImportIssue
from tests.conftest import log_in, make_user
from tests.test_digests import build_digest, newsroom

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium reports a refusal on the console ("Applying inline style violates the following Content
# Security Policy directive…", "Refused to…" in older versions) and as a securitypolicyviolation
# event, which also names the directive and the document, in every frame the script runs in.
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (event) => {
    console.error(`CSP violation: ${event.effectiveDirective} refused ${event.blockedURI || 'inline'}`
                  + ` in ${event.documentURI} (${event.sourceFile || ''}:${event.lineNumber})`);
});
"""


def is_violation(text: str) -> bool:
    # The last: a script in the e-mail's frame, refused by its policy's sandbox before any directive.
    return text.startswith(("CSP violation:", "Blocked script execution")) or "Content Security Policy" in text


@pytest.fixture
def violations(page):
    """Every policy violation the page's documents report while the test drives them."""
    found = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: found.append(message.text) if is_violation(message.text) else None)
    return found


def settle(page):
    """Let the last swap's scripts and styles apply (violations are reported asynchronously)."""
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)


def review_article(status=Article.Status.ANNOTATED):
    body = "Gérald Darmanin est à Rabat. Darmanin a parlé avec Abdelouafi Laftit."
    return Article.objects.create(title="Visite à Rabat", body=body, language="fr", content_hash=f"csp-{status}",
                                  status=status)


def add_mentions(article):
    for start, end, kind in [(0, 15, "person"), (22, 27, "place"), (29, 37, "person")]:
        surface = article.body[start:end]
        actor, created = Actor.objects.get_or_create(key=f"{surface}|{kind}", defaults={"name": surface, "kind": kind})
        if created:
            ActorAlias.build(actor=actor, surface=surface, language="fr").save()
        Mention.objects.create(article=article, start=start, end=end, text=surface, kind=kind, actor=actor)


def test_the_editor_pages_and_their_htmx_exchanges_respect_the_policy(page, live_server, seeded, violations):
    make_user("chief", "chief editor")
    article = review_article()
    add_mentions(article)
    waiting = review_article(status=Article.Status.QUEUED)

    # The login page, then the queue, which polls while an article waits for a worker.
    with page.expect_response(lambda response: response.request.headers.get("hx-request") == "true"):
        log_in(page, live_server, "chief")

    # The review page: open a mention in the panel, accept it.
    page.goto(f"{live_server.url}/articles/{article.id}")
    page.locator("#article-body a.mention", has_text="Rabat").first.click()
    page.locator("#mention-panel h2", has_text="Rabat").wait_for()
    page.locator("#mention-panel").get_by_role("button", name="Accept").click()
    page.locator("#mention-panel strong", has_text="accepted").wait_for()
    assert Mention.objects.get(article=article, text="Rabat").decision == Decision.ACCEPTED
    settle(page)

    # Status polling: the page of a queued article swaps itself in place once it is annotated.
    page.goto(f"{live_server.url}/articles/{waiting.id}")
    page.locator("#annotation .badge", has_text="queued").wait_for()
    add_mentions(waiting)
    Article.objects.filter(id=waiting.id).update(status=Article.Status.ANNOTATED)
    page.locator("#article-body a.mention").first.wait_for()
    settle(page)

    # The actor directory, searched as one types, and an actor's page.
    page.goto(f"{live_server.url}/actors/")
    with page.expect_response(lambda response: "/actors/?" in response.url):
        page.get_by_role("searchbox").fill("Darm")
    page.locator("#actor-results").get_by_role("link", name="Gérald Darmanin").click()
    page.get_by_role("heading", name="Gérald Darmanin").wait_for()
    for path in ("/actors/learned", "/actors/duplicates", "/articles/new"):
        page.goto(live_server.url + path)
        settle(page)

    # The forms that answer with a redirect (form-action covers where they lead).
    page.locator("#language-switch").select_option("fr")
    page.get_by_role("button", name="Switch").click()
    page.locator("html[lang=fr]").wait_for()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/accounts/login/")
    settle(page)

    assert violations == [], "\n".join(violations)


def test_the_digest_builder_and_the_email_preview_respect_their_policies(page, live_server, seeded, violations):
    found = newsroom()
    make_user("chief", "chief editor")
    digest = build_digest([found["rabat"]], title="Revue du 3 mars")
    job = ExportJob.objects.create(digest=digest, format="pdf", status=ExportJob.Status.RUNNING,
                                   progress_done=1, progress_total=3)
    log_in(page, live_server, "chief")

    page.goto(f"{live_server.url}/digests/")
    page.get_by_role("link", name="Revue du 3 mars").click()
    page.get_by_label("Topic").select_option("terrorism")
    page.get_by_role("button", name="Find articles").click()
    page.locator("#pull-results").get_by_text("2 articles found").wait_for()
    page.locator("#pull-results").get_by_role("button", name="Add them all").click()
    page.locator("li.digest-item").nth(1).wait_for()
    settle(page)

    # The preview: the e-mail, with its inline styles, in a sandboxed frame under its own policy;
    # the background export's row polls until the job ends.
    page.goto(f"{live_server.url}/digests/{digest.id}/preview")
    email = page.frame_locator("iframe.email-preview")
    email.get_by_role("heading", name="Revue du 3 mars").wait_for()
    assert email.locator("body").evaluate("body => getComputedStyle(body).backgroundColor") == "rgb(242, 243, 245)"
    page.locator(f"#export-job-{job.id} progress").wait_for()
    ExportJob.objects.filter(id=job.id).update(status=ExportJob.Status.FAILED, error="No space left")
    page.locator(f"#export-job-{job.id}", has_text="failed").wait_for()
    settle(page)

    assert violations == [], "\n".join(violations)


def test_the_admin_pages_respect_the_policy(page, live_server, seeded, violations):
    admin = make_user("root", "admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    article = review_article()
    add_mentions(article)
    checking = ImportBatch.objects.create(original_filename="feed.csv", format="csv",
                                          status=ImportBatch.Status.CHECKING, progress_total=10, progress_done=4)
    log_in(page, live_server, "root")

    for path in ("/admin/", "/admin/articles/article/?status__exact=annotated",
                 f"/admin/articles/article/{article.id}/change/", "/admin/articles/actor/?q=Darm",
                 "/admin/auth/user/", "/admin/imports/importbatch/", "/admin/imports/importbatch/import/"):
        page.goto(live_server.url + path)
        settle(page)
    # The API documentation, an operation opened (its stylesheet's icons are data: images).
    page.goto(live_server.url + "/api/docs")
    page.locator(".opblock-summary").first.click()
    page.get_by_text("Request body").wait_for()
    settle(page)
    # The change list's actions and the change form's widgets run their scripts.
    page.goto(f"{live_server.url}/admin/articles/article/")
    page.locator("input.action-select").first.check()
    page.locator(".action-counter", has_text="1 of 1 selected").wait_for()
    page.locator("select[name=action]").select_option("delete_selected")
    page.goto(f"{live_server.url}/admin/articles/topic/add/")
    page.get_by_label("Name en:").press_sequentially("Élections municipales")
    assert page.locator("#id_slug").input_value() == "elections-municipales", violations

    # An import's page polls its progress block until the dry run is ready.
    page.goto(f"{live_server.url}/admin/imports/importbatch/{checking.id}/change/")
    page.locator('.import-status[data-status="checking"]').wait_for()
    ImportIssue.objects.create(batch=checking, line=3, kind="invalid", reason="The article text is empty.",
                               title="Vide")
    ImportBatch.objects.filter(id=checking.id).update(
        status=ImportBatch.Status.DRY_RUN_READY, parsed=2, created=1, failed=1, progress_done=10,
        sample=[[2, "", "Visite à Rabat", "Le Desk", "fr", "2024-03-02T09:00"]])
    page.get_by_role("button", name="Import 1 article").wait_for()
    settle(page)

    assert violations == [], "\n".join(violations)
