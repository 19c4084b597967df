"""Dates that cannot be misread: the month in words, the day first, one way on every page
and in both languages ("6 Dec 2026", "6 déc. 2026"), never "12/06/2026" beside "Dec. 4, 2026"."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from articles.models import Actor, Article, Mention
from articles.services import review
from digests.models import Digest
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
# Django's defaults: "Dec. 4, 2026" (en), "4 décembre 2026 08:15" without a comma (fr), "8:15 a.m.".
DEFAULT_LOOKS = re.compile(r"\b[A-Z][a-z]{2}\. \d{1,2}, \d{4}|\b\d{1,2} (?:décembre|novembre) \d{4}|[ap]\.m\.")


@pytest.mark.parametrize("language, day, day_and_time, month", [
    ("en", "6 Dec 2026", "6 Dec 2026, 08:15", "Dec 2026"),
    ("fr", "6 déc. 2026", "6 déc. 2026 à 08:15", "déc. 2026"),
])
def test_every_format_names_the_month_and_puts_the_day_first(language, day, day_and_time, month):
    moment = datetime(2026, 12, 6, 8, 15)
    with translation.override(language):
        assert date_format(moment, "DATE_FORMAT") == date_format(moment, "SHORT_DATE_FORMAT") == day
        assert date_format(moment, "DATETIME_FORMAT") == date_format(moment, "SHORT_DATETIME_FORMAT") == day_and_time
        assert date_format(moment, "YEAR_MONTH_FORMAT") == month


@pytest.fixture
def desk(db):
    chief = make_user("chief", "chief editor")
    article = Article.objects.create(
        title="Sommet à Rabat", body="Gérald Darmanin est à Rabat.", content_hash="dates", language="fr",
        status=Article.Status.ANNOTATED, published_at=datetime(2026, 12, 6, 8, 15, tzinfo=PARIS))
    Article.objects.filter(id=article.id).update(created_at=datetime(2026, 12, 4, 17, 40, tzinfo=PARIS))
    actor = Actor.objects.create(name="Gérald Darmanin", kind="person", key="gerald darmanin|person")
    mention = Mention.objects.create(article=article, start=0, end=15, text="Gérald Darmanin", kind="person",
                                     actor=actor)
    review.mention_decide(mention=mention, user=chief, decision="accepted", expected_version=article.version)
    Digest.objects.create(title="Revue du 6 décembre", period_start=date(2026, 12, 6), period_end=date(2026, 12, 6),
                          created_by=chief)
    return chief, article, actor


@pytest.mark.parametrize("language, published, added", [
    ("en", "6 Dec 2026", "4 Dec 2026"),
    ("fr", "6 déc. 2026", "4 déc. 2026"),
])
def test_the_pages_show_dates_the_same_way_in_either_language(client, desk, language, published, added):
    chief, article, actor = desk
    client.force_login(chief)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for name, args in [("articles:list", []), ("articles:detail", [article.id]), ("articles:actor", [actor.id]),
                       ("articles:actors", []), ("articles:actors-learned", []), ("digests:list", [])]:
        html = client.get(reverse(name, args=args)).content.decode()
        assert not NUMERIC_DATE.search(html), (name, NUMERIC_DATE.search(html).group())
        assert not DEFAULT_LOOKS.search(html), (name, DEFAULT_LOOKS.search(html).group())
        if name in ("articles:list", "articles:detail", "articles:actor"):
            assert published in html, name
    assert added in client.get(reverse("articles:detail", args=[article.id])).content.decode()
