"""The pages on a phone (390×844) in real Chromium: nothing wider than the screen, so no
sideways scrolling, the header's controls (log out, the language switch) on screen, and
no serious accessibility violation (axe-core)."""

import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Actor, Article, ArticleTopic, Mention, Quote, Topic
from digests.delivery import digest_public_link_ensure, distribution_list_create, distribution_list_feed_renew
from digests.models import Bounce, Delivery, Recipient
from digests.services import digest_publish
from sources.models import Feed
from tests.conftest import log_in, make_user
from tests.test_accessibility import violations
from tests.test_digests import build_digest, newsroom

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

# The elements that reach past the right edge, for the failure message.
OVERFLOW = """(width) => {
    const wide = [];
    for (const el of document.querySelectorAll('body *')) {
        const box = el.getBoundingClientRect();
        if (box.width && box.right > width + 0.5 && !el.closest('.visually-hidden')) {
            const parent = el.parentElement && el.parentElement.getBoundingClientRect();
            if (!parent || parent.right <= width + 0.5) {
                const classes = typeof el.className === 'string' && el.className ? '.' + el.className : '';
                wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes.split(' ').join('.') +
                          ' right=' + Math.round(box.right));
            }
        }
    }
    return JSON.stringify({scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 8)});
}"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def assert_fits(page, what):
    found = json.loads(page.evaluate(OVERFLOW, PHONE["width"]))
    assert found["scrollWidth"] <= PHONE["width"], f"{what}: {found}"


@pytest.fixture
def desk(seeded):
    found = newsroom()
    article = found["rabat"]
    long_body = ("Le ministre de l'Intérieur, Gérald Darmanin, s'est rendu à Rabat pour une visite de travail. "
                 * 30)
    review = Article.objects.create(
        title="Une visite de travail à Rabat sous le signe de la coopération sécuritaire et migratoire",
        body=long_body, content_hash="phone", language="fr", status=Article.Status.ANNOTATED,
        url="https://www.example-newspaper-with-a-long-name.ma/actualites/2026/12/06/une-tres-longue-adresse")
    darmanin = Actor.objects.get_or_create(key=Actor.key_for("Gérald Darmanin", "person"),
                                           defaults={"name": "Gérald Darmanin", "kind": "person"})[0]
    start = long_body.index("Gérald Darmanin")
    Mention.objects.create(article=review, start=start, end=start + 15, text="Gérald Darmanin", kind="person",
                           actor=darmanin)
    Quote.objects.create(article=review, start=0, end=40, text=long_body[:40], speaker=darmanin)
    ArticleTopic.objects.create(article=review, topic=Topic.objects.get(slug="terrorism"), score=0.7)
    draft = build_digest([article, found["jo"]])
    published = digest_public_link_ensure(digest=digest_publish(digest=build_digest([found["attentat"]],
                                                                                     title="Publiée"), user=None))
    long_address = "redaction.international.desk.weekend@example-newspaper-with-a-long-name.ma"
    recipient = Recipient.objects.create(email=long_address, name="Rédaction")
    board = distribution_list_feed_renew(distribution_list=distribution_list_create(name="Direction"))
    recipient.lists.add(board)
    Delivery.objects.create(digest=published, recipient=recipient, email=long_address, state="failed",
                            error="550 5.1.1 The e-mail account that you tried to reach does not exist")
    # An address that bounced, and one whose server reported a delay.
    reason = "550 5.1.1 <correspondant.permanent.bureau@example-newspaper-with-a-long-name.ma>: Recipient " \
             "address rejected: User unknown in virtual mailbox table"
    gone = Recipient.objects.create(email="correspondant.permanent.bureau@example-newspaper-with-a-long-name.ma",
                                    bounced_at=timezone.now(), bounce_reason=reason)
    gone.lists.add(board)
    Delivery.objects.create(digest=published, recipient=gone, email=gone.email, state="bounced", error=reason)
    late = Recipient.objects.create(email="late.reader@example-newspaper-with-a-long-name.ma")
    delayed = Delivery.objects.create(digest=published, recipient=late, email=late.email, state="sent",
                                      sent_at=timezone.now())
    Bounce.objects.create(delivery=delayed, kind="soft", status="4.2.2", action="delayed", mailbox_key="phone-1",
                          reason="452 4.2.2 <late.reader@example-newspaper-with-a-long-name.ma>: Mailbox full")
    feed = Feed.objects.create(url="https://www.example-newspaper-with-a-long-name.ma/",
                               feed_url="https://www.example-newspaper-with-a-long-name.ma/rss/toutes-les-actualites.xml",
                               source=article.source)
    return {"review": review, "actor": darmanin, "draft": draft, "published": published, "feed": feed,
            "board": board}


PAGES = [
    ("queue", "/"),
    ("review page", "/articles/{review}"),
    ("add an article", "/articles/new"),
    ("actors", "/actors/"),
    ("actor page", "/actors/{actor}"),
    ("suggested duplicates", "/actors/duplicates"),
    ("learned records", "/actors/learned"),
    ("digests", "/digests/"),
    ("digest builder", "/digests/{draft}"),
    ("digest preview", "/digests/{draft}/preview"),
    ("published digest", "/digests/{published}/published"),
    ("delivery log", "/digests/{published}/deliveries"),
    ("send", "/digests/{published}/send"),
    ("distribution list", "/digests/lists/{board}"),
    ("confirmation", "/digests/{draft}/delete"),
    ("sources", "/sources/"),
    ("source page", "/sources/{feed}"),
    ("imports admin", "/admin/imports/importbatch/"),
    ("new import", "/admin/imports/importbatch/import/"),
]


def test_no_page_scrolls_sideways_on_a_phone(phone, live_server, desk):
    admin = make_user("admin", "admin")
    admin.is_staff = True
    admin.save()
    log_in(phone, live_server, "admin")
    ids = {name: value.id for name, value in desk.items()}
    failures = []
    for what, path in PAGES:
        phone.goto(live_server.url + path.format(**ids))
        found = json.loads(phone.evaluate(OVERFLOW, PHONE["width"]))
        if found["scrollWidth"] > PHONE["width"]:
            failures.append(f"{what}: {found}")
        if not path.startswith("/admin/"):  # the admin's markup is Django's
            failures.extend(f"{what}: {violation}" for violation in violations(phone))
    assert failures == [], "\n".join(failures)


def test_the_header_controls_are_on_screen_on_a_phone(phone, live_server, desk):
    make_user("ed", "editor")
    log_in(phone, live_server, "ed")
    for control in (phone.get_by_role("button", name="Log out"), phone.locator("#language-switch")):
        expect(control).to_be_in_viewport(ratio=1)
    assert_fits(phone, "queue")

