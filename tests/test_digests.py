"""Digests: building a draft, the permissions around it, publishing and freezing, annotation exports."""

import json
import re
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Actor, Article, ArticleTopic, Decision, Mention, Quote, Topic
from digests import services
from digests.models import Digest, DigestItem, DigestSection
from digests.summary import lead_sentences, sentences
from tests.conftest import make_user
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PERIOD = (date(2024, 3, 1), date(2024, 3, 3))


def _actor(name, kind):
    actor, _ = Actor.objects.get_or_create(key=Actor.key_for(name, kind), defaults={"name": name, "kind": kind})
    return actor


def annotated_article(title, body, *, topic="", mentions=(), quotes=(), source="Le Desk", day=2, reviewed=True,
                      language="fr", url="", rejected=(), score=0.8):
    """A reviewed, annotated article written straight into the tables (no worker):
    ``mentions`` are (surface, kind) found in ``body``; ``quotes`` are (text, speaker name) with the
    text found in ``body``; ``rejected`` are (surface, kind) mentions an editor rejected."""
    article = ArticleFactory(
        title=title, body=body, language=language, source=source,
        url=url or f"https://news.example/{abs(hash(title)) % 10**8}",
        published_at=timezone.make_aware(datetime(2024, 3, day, 9, 0)),
        review_state=Article.ReviewState.REVIEWED if reviewed else Article.ReviewState.UNREVIEWED, indexed=True,
    )
    for surfaces, decision in ((mentions, Decision.ACCEPTED), (rejected, Decision.REJECTED)):
        for surface, kind in surfaces:
            start = -1
            while (start := body.find(surface, start + 1)) != -1:
                Mention.objects.get_or_create(article=article, start=start, end=start + len(surface), defaults={
                    "text": surface, "kind": kind, "actor": _actor(surface, kind), "decision": decision})
    for text, speaker in quotes:
        start = body.index(text)
        Quote.objects.create(article=article, start=start, end=start + len(text), text=text,
                             speaker=_actor(speaker, "person") if speaker else None, decision=Decision.ACCEPTED)
    if topic:
        ArticleTopic.objects.create(article=article, topic=Topic.objects.get(slug=topic), score=score,
                                    decision=Decision.ACCEPTED)
    return article


def newsroom():
    """Three reviewed articles on two topics, one unreviewed, one outside the period."""
    rabat = annotated_article(
        "Darmanin à Rabat",
        "Darmanin à Rabat\nLe ministre Gérald Darmanin s'est rendu à Rabat. Il a rencontré Abdelouafi Laftit. "
        "« Le Maroc nous aide beaucoup », a déclaré Gérald Darmanin. La suite est sans intérêt.",
        topic="terrorism",
        mentions=[("Gérald Darmanin", "person"), ("Rabat", "place"), ("Abdelouafi Laftit", "person")],
        quotes=[("« Le Maroc nous aide beaucoup »", "Gérald Darmanin")],
    )
    jo = annotated_article(
        "Sécurité des Jeux",
        "Le comité d'organisation des Jeux a présenté son plan. La police sera partout. « Nous sommes prêts », "
        "a dit M. Estanguet. « Tout ira bien », a-t-il ajouté. « Vraiment », a-t-il insisté.",
        topic="olympic-games", mentions=[("Estanguet", "person")],
        quotes=[("« Nous sommes prêts »", "Tony Estanguet"), ("« Tout ira bien »", "Tony Estanguet"),
                ("« Vraiment »", "Tony Estanguet")],
        day=1,
    )
    attentat = annotated_article(
        "Menace terroriste",
        "La menace terroriste reste élevée selon la DGSI. Les services restent mobilisés.",
        topic="terrorism", mentions=[("DGSI", "organisation")], day=3,
    )
    draft = annotated_article("Pas encore relu", "Un texte pas encore relu sur le terrorisme.", topic="terrorism",
                              reviewed=False)
    old = annotated_article("Trop ancien", "Un vieux texte sur le terrorisme.", topic="terrorism", day=20)
    return {"rabat": rabat, "jo": jo, "attentat": attentat, "unreviewed": draft, "old": old}


def make_digest(user=None, **fields):
    values = {"title": "Revue de presse du 3 mars", "period_start": PERIOD[0], "period_end": PERIOD[1],
              "introduction": "Bonjour à toutes et à tous.", "language": "fr", **fields}
    return services.digest_create(user=user, **values)


def build_digest(articles, user=None, **fields) -> Digest:
    digest = make_digest(user, **fields)
    services.digest_items_add(digest=digest, articles=articles, user=user)
    return digest


def url(name, digest, *args):
    return reverse(f"digests:{name}", args=[digest.id, *args])


def htmx(client, path, data=None):
    return client.post(path, data or {}, headers={"HX-Request": "true", "HX-Target": "sections"})


# The proposed summary.

def test_lead_sentences_take_the_first_sentences_after_a_repeated_title():
    body = "Visite à Rabat\nM. Darmanin est arrivé à Rabat. Il a vu son homologue. Ils ont parlé. Puis ils ont déjeuné."
    assert lead_sentences(body, title="Visite à Rabat") == (
        "M. Darmanin est arrivé à Rabat. Il a vu son homologue. Ils ont parlé.")


def test_lead_sentences_do_not_split_on_abbreviations_or_initials():
    assert sentences("Mr. Smith met St. John in St. Louis. G. Darmanin was there. Then 3.5 million left.") == [
        "Mr. Smith met St. John in St. Louis.", "G. Darmanin was there.", "Then 3.5 million left."]


def test_lead_sentences_stay_within_the_budget_and_never_cut_a_word():
    body = "Premier mot " + "encore " * 200 + "fin."
    summary = lead_sentences(body, budget=100)
    assert len(summary) <= 100 and summary.endswith("…")
    assert all(word in ("Premier", "mot", "encore", "encore…") for word in summary.split())


def test_lead_sentences_keep_whole_sentences_that_fit():
    body = "Une phrase courte. " + "Une très longue phrase " + "qui continue " * 50 + "."
    assert lead_sentences(body, budget=200) == "Une phrase courte."


# Building a draft.

def test_pages_require_login(client):
    for path in (reverse("digests:list"), reverse("digests:new"), "/digests/1", "/annotations/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_editor_creates_a_digest(editor_client, editor):
    response = editor_client.post(reverse("digests:new"), {
        "title": "Revue du matin", "period_start": "2024-03-01", "period_end": "2024-03-03",
        "language": "fr", "introduction": "Les titres du jour."})
    digest = Digest.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", digest)
    assert (digest.title, digest.status, digest.created_by) == ("Revue du matin", "draft", editor)
    page = editor_client.get(response["Location"]).content.decode()
    assert "Pull in articles" in page and "Revue du matin" in page


def test_a_period_that_ends_before_it_starts_is_refused(editor_client):
    response = editor_client.post(reverse("digests:new"), {
        "title": "x", "period_start": "2024-03-03", "period_end": "2024-03-01", "language": "fr"})
    assert response.status_code == 400 and "ends before it starts" in response.content.decode()
    assert not Digest.objects.exists()


def test_viewer_cannot_create_a_digest_or_see_drafts(viewer_client):
    digest = make_digest()
    assert viewer_client.get(reverse("digests:new")).status_code == 403
    assert viewer_client.get(url("detail", digest)).status_code == 404
    assert digest.title not in viewer_client.get(reverse("digests:list")).content.decode()
    assert viewer_client.post(url("items-add", digest), {"article": 1}).status_code == 403


def test_pull_in_by_topic_lists_reviewed_articles_of_the_period(editor_client):
    found = newsroom()
    digest = make_digest()
    response = editor_client.get(url("detail", digest), {"pull": "1", "topic": "terrorism", "within_period": "1",
                                                         "reviewed_only": "1"},
                                 headers={"HX-Request": "true", "HX-Target": "pull-results"})
    page = response.content.decode()
    assert response["Vary"] == "HX-Request" or "HX-Request" in response["Vary"]
    assert 'id="pull-results"' in page and "<html" not in page
    assert found["rabat"].title in page and found["attentat"].title in page
    for absent in ("jo", "unreviewed", "old"):
        assert found[absent].title not in page
    everything = editor_client.get(url("detail", digest), {"pull": "1", "topic": "terrorism"},
                                   headers={"HX-Request": "true", "HX-Target": "pull-results"}).content.decode()
    assert found["unreviewed"].title in everything and found["old"].title in everything


def test_pull_in_by_actor_source_and_search(editor_client):
    found = newsroom()
    digest = make_digest()

    def titles(**query):
        response = editor_client.get(url("detail", digest), {"pull": "1", "within_period": "1", "reviewed_only": "1",
                                                             **query},
                                     headers={"HX-Request": "true", "HX-Target": "pull-results"})
        return set(re.findall(r'<a href="/articles/\d+">([^<]+)</a>', response.content.decode()))

    darmanin = Actor.objects.get(name="Gérald Darmanin")
    assert titles(actor=darmanin.id) == {found["rabat"].title}
    assert titles(q="DGSI") == {found["attentat"].title}
    assert titles(source=found["jo"].source_id) == {found["rabat"].title, found["jo"].title, found["attentat"].title}


def test_articles_added_go_to_their_topic_section_with_their_lead_sentences(editor_client):
    found = newsroom()
    digest = make_digest()
    response = htmx(editor_client, url("items-add", digest),
                    {"article": [found["rabat"].id, found["jo"].id, found["attentat"].id]})
    assert response.status_code == 200
    sections = list(DigestSection.objects.filter(digest=digest).select_related("topic"))
    assert [s.topic.slug for s in sections] == ["terrorism", "olympic-games"]
    items = {item.article_id: item for item in DigestItem.objects.filter(digest=digest)}
    assert items[found["rabat"].id].summary == (
        "Le ministre Gérald Darmanin s'est rendu à Rabat. Il a rencontré Abdelouafi Laftit. "
        "« Le Maroc nous aide beaucoup », a déclaré Gérald Darmanin.")
    assert [items[found["rabat"].id].position, items[found["attentat"].id].position] == [0, 1]
    page = response.content.decode()
    assert 'id="sections"' in page and f'id="pull-add-{found["rabat"].id}" hx-swap-oob="true"' in page


def test_the_builder_offers_the_most_mentioned_actors_to_pull_in_by(editor_client):
    newsroom()
    page = editor_client.get(url("detail", make_digest())).content.decode()
    darmanin = Actor.objects.get(name="Gérald Darmanin")
    assert f'<option value="{darmanin.id}">Gérald Darmanin</option>' in page


def test_the_actors_offered_are_those_of_the_digests_period_and_the_one_chosen(editor_client):
    newsroom()
    annotated_article("Plus tard", "Le préfet Martin Dupuis a parlé.", mentions=[("Martin Dupuis", "person")], day=20)
    digest = make_digest()
    dupuis, darmanin = Actor.objects.get(name="Martin Dupuis"), Actor.objects.get(name="Gérald Darmanin")
    page = editor_client.get(url("detail", digest)).content.decode()
    assert f'<option value="{darmanin.id}">Gérald Darmanin</option>' in page
    assert "Martin Dupuis" not in page  # mentioned only after the period: not counted
    chosen = editor_client.get(url("detail", digest), {"pull": "1", "actor": dupuis.id}).content.decode()
    assert f'<option value="{dupuis.id}" selected>Martin Dupuis</option>' in chosen


def test_an_article_is_added_once(editor_client):
    found = newsroom()
    digest = build_digest([found["rabat"]])
    editor_client.post(url("items-add", digest), {"article": found["rabat"].id})
    assert DigestItem.objects.filter(digest=digest).count() == 1


def test_pulling_in_by_topic_files_the_articles_under_that_topic(editor_client):
    found = newsroom()
    digest = make_digest()
    editor_client.post(url("items-add", digest), {"article": found["jo"].id, "topic": "terrorism"})
    assert DigestItem.objects.get(digest=digest).section.topic.slug == "terrorism"


def test_an_article_without_topic_goes_to_other_news(editor_client):
    article = annotated_article("Sans sujet", "Rien de spécial ici.")
    digest = build_digest([article])
    assert DigestItem.objects.get(digest=digest).section.topic is None
    # The section is named in the digest's language, French here.
    assert digest.language == "fr"
    assert "Autres actualités" in editor_client.get(url("detail", digest)).content.decode()


def _order(section):
    return list(section.items.order_by("position").values_list("article__title", flat=True))


def test_items_move_up_and_down_within_their_section(editor_client):
    found = newsroom()
    digest = build_digest([found["rabat"], found["attentat"]])
    section = DigestSection.objects.get(digest=digest, topic__slug="terrorism")
    second = DigestItem.objects.get(article=found["attentat"])
    response = htmx(editor_client, url("item-move", digest, second.id), {"direction": "up"})
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger-After-Settle"]) == {"digests:focus": {"id": f"item-{second.id}"}}
    assert _order(section) == ["Menace terroriste", "Darmanin à Rabat"]
    editor_client.post(url("item-move", digest, second.id), {"direction": "up"})  # already first: nothing moves
    assert _order(section) == ["Menace terroriste", "Darmanin à Rabat"]
    editor_client.post(url("item-move", digest, second.id), {"direction": "down"})
    assert _order(section) == ["Darmanin à Rabat", "Menace terroriste"]


def test_a_drop_gives_the_section_its_new_order_even_from_another_section(editor_client):
    found = newsroom()
    digest = build_digest([found["rabat"], found["attentat"], found["jo"]])
    terrorism = DigestSection.objects.get(digest=digest, topic__slug="terrorism")
    games = DigestSection.objects.get(digest=digest, topic__slug="olympic-games")
    ids = {a: DigestItem.objects.get(article=found[a]).id for a in ("rabat", "attentat", "jo")}
    response = htmx(editor_client, url("section-order", digest), {
        "section": terrorism.id, "items": f"{ids['attentat']},{ids['jo']},{ids['rabat']}", "moved": ids["jo"]})
    assert response.status_code == 200
    assert _order(terrorism) == ["Menace terroriste", "Sécurité des Jeux", "Darmanin à Rabat"]
    assert _order(games) == []


def test_sections_are_reordered(editor_client):
    found = newsroom()
    digest = build_digest([found["rabat"], found["jo"]])
    games = DigestSection.objects.get(digest=digest, topic__slug="olympic-games")
    editor_client.post(url("section-move", digest, games.id), {"direction": "up"})
    assert [s.topic.slug for s in DigestSection.objects.filter(digest=digest)] == ["olympic-games", "terrorism"]


def test_editor_edits_summary_note_and_chooses_at_most_two_quotes(editor_client):
    found = newsroom()
    digest = build_digest([found["jo"]])
    item = DigestItem.objects.get(digest=digest)
    quotes = list(Quote.objects.filter(article=found["jo"]).order_by("start"))
    response = htmx(editor_client, url("item-update", digest, item.id), {
        "summary": "Le plan de sécurité des Jeux.", "note": "À suivre.", "quotes": [quotes[0].id, quotes[1].id]})
    assert response.status_code == 200 and "Saved." in response.content.decode()
    item.refresh_from_db()
    assert (item.summary, item.note) == ("Le plan de sécurité des Jeux.", "À suivre.")
    assert set(item.quotes.values_list("id", flat=True)) == {quotes[0].id, quotes[1].id}

    response = htmx(editor_client, url("item-update", digest, item.id), {
        "summary": "x", "note": "", "quotes": [q.id for q in quotes]})
    assert response.status_code == 422 and "at most 2 quotes" in response.content.decode()
    other = Quote.objects.get(article=found["rabat"])
    response = htmx(editor_client, url("item-update", digest, item.id), {"summary": "x", "quotes": [other.id]})
    assert response.status_code == 422
    item.refresh_from_db()
    assert item.summary == "Le plan de sécurité des Jeux."


def test_a_rejected_quote_cannot_be_chosen(editor_client):
    found = newsroom()
    digest = build_digest([found["jo"]])
    item = DigestItem.objects.get(digest=digest)
    quote = Quote.objects.filter(article=found["jo"]).first()
    Quote.objects.filter(id=quote.id).update(decision=Decision.REJECTED)
    assert htmx(editor_client, url("item-update", digest, item.id), {"summary": "x", "quotes": [quote.id]}
                ).status_code == 422


def test_an_item_moves_to_another_section_and_is_removed(editor_client):
    found = newsroom()
    digest = build_digest([found["rabat"], found["jo"]])
    games = DigestSection.objects.get(digest=digest, topic__slug="olympic-games")
    item = DigestItem.objects.get(article=found["rabat"])
    editor_client.post(url("item-update", digest, item.id), {"summary": item.summary, "section": games.id})
    assert _order(games) == ["Sécurité des Jeux", "Darmanin à Rabat"]
    editor_client.post(url("item-remove", digest, item.id), {"confirm": "yes"})
    assert _order(games) == ["Sécurité des Jeux"]


def test_sections_of_the_editors_own_and_titles_shown_for_items(editor_client):
    found = newsroom()
    digest = build_digest([found["rabat"], found["jo"]])
    response = htmx(editor_client, url("section-create", digest), {"title": "  Diplomatie\t "})
    assert response.status_code == 200 and "<h3" in response.content.decode()
    mine = DigestSection.objects.get(digest=digest, title="Diplomatie")
    assert mine.topic is None and mine.position == 2
    assert htmx(editor_client, url("section-create", digest), {"title": "  "}).status_code == 422
    item = DigestItem.objects.get(article=found["rabat"])
    htmx(editor_client, url("item-update", digest, item.id), {
        "summary": item.summary, "section": mine.id, "title": "Le ministre au Maroc"})
    htmx(editor_client, url("section-rename", digest, mine.id), {"title": "Diplomatie & coopération"})
    games = DigestSection.objects.get(digest=digest, topic__slug="olympic-games")
    htmx(editor_client, url("section-rename", digest, games.id), {"title": "JO 2024"})
    item.refresh_from_db()
    assert item.section == mine and item.title == "Le ministre au Maroc"
    # An article added afterwards without a topic goes to "Other news", not to the editor's section.
    plain = annotated_article("Sans thème", "Un texte sans thème.", day=2)
    services.digest_items_add(digest=digest, articles=[plain])
    assert DigestItem.objects.get(article=plain).section.title == ""

    page = editor_client.get(url("export", digest, "html"), {"inline": "1"}).content.decode()
    assert "Diplomatie &amp; coopération" in page and "JO 2024" in page and "Le ministre au Maroc" in page
    assert "Darmanin à Rabat" not in page.split("<body", 1)[1].split("Le ministre au Maroc")[0]
    # The article's own title again: the item follows the article's title.
    htmx(editor_client, url("item-update", digest, item.id), {"summary": item.summary, "title": "Darmanin à Rabat"})
    item.refresh_from_db()
    assert item.title == ""
    # A topic's section given an empty name shows its topic again; the editor's own needs a name.
    htmx(editor_client, url("section-rename", digest, games.id), {"title": ""})
    assert htmx(editor_client, url("section-rename", digest, mine.id), {"title": ""}).status_code == 422
    assert DigestSection.objects.get(id=games.id).title == "" and DigestSection.objects.get(id=mine.id).title


def test_a_viewer_cannot_make_or_rename_sections(viewer_client):
    digest = build_digest([newsroom()["jo"]])
    section = DigestSection.objects.get(digest=digest)
    assert viewer_client.post(url("section-create", digest), {"title": "X"}).status_code == 403
    assert viewer_client.post(url("section-rename", digest, section.id), {"title": "X"}).status_code == 403
    assert list(DigestSection.objects.filter(digest=digest).values_list("title", flat=True)) == [""]


def test_the_builder_shows_key_actors_and_quote_choices(editor_client):
    found = newsroom()
    Mention.objects.filter(article=found["rabat"], text="Rabat").update(decision=Decision.REJECTED)
    digest = build_digest([found["rabat"]])
    page = editor_client.get(url("detail", digest)).content.decode()
    assert "Gérald Darmanin" in page and "Abdelouafi Laftit" in page
    assert '<span class="chip kind-place">Rabat</span>' not in page
    assert 'name="quotes"' in page and "Le Maroc nous aide beaucoup" in page


def test_builder_queries_do_not_grow_with_items(editor_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    articles = [annotated_article(f"Article {i}", f"Texte {i}. Gérald Darmanin parle. « Oui {i} », dit-il.",
                                  topic="terrorism" if i % 2 else "politics", mentions=[("Gérald Darmanin", "person")],
                                  quotes=[(f"« Oui {i} »", "Gérald Darmanin")]) for i in range(30)]
    digest = build_digest(articles[:3])
    editor_client.get(url("detail", digest))
    counts = {}
    for n in (3, 30):
        services.digest_items_add(digest=digest, articles=articles[:n])
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(url("detail", digest))
        assert response.content.decode().count('class="digest-item"') == n
        counts[n] = len(queries)
    assert counts[3] == counts[30] <= 25


# Publishing.

def test_editor_cannot_publish_digest(editor_client):
    found = newsroom()
    digest = build_digest([found["rabat"]])
    assert editor_client.post(url("publish", digest)).status_code == 403
    digest.refresh_from_db()
    assert digest.status == "draft" and digest.snapshot == {}
    assert "A chief editor publishes" in editor_client.get(url("preview", digest)).content.decode()


def test_chief_editor_publishes_and_the_digest_is_frozen(client):
    chief = make_user("chief", "chief editor")
    client.force_login(chief)
    found = newsroom()
    digest = build_digest([found["rabat"], found["jo"]], user=chief)
    item = DigestItem.objects.get(article=found["rabat"])
    item.quotes.set(Quote.objects.filter(article=found["rabat"]))
    before = client.get(url("export", digest, "html"), {"inline": "1"}).content

    response = client.post(url("publish", digest), {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == url("published", digest)
    digest.refresh_from_db()
    assert digest.status == "published" and digest.published_by == chief
    assert digest.snapshot["sections"][0]["items"][0]["title"] == "Darmanin à Rabat"
    assert digest.snapshot["permalink"] == "http://testserver" + url("published", digest)

    # Later edits to the article, its actors and quotes change nothing that was published.
    Article.objects.filter(id=found["rabat"].id).update(title="Titre changé après coup")
    Actor.objects.filter(name="Gérald Darmanin").update(name="Quelqu'un d'autre")
    Quote.objects.filter(article=found["rabat"]).update(text="« Citation changée »")
    after = client.get(url("export", digest, "html"), {"inline": "1"}).content.decode()
    assert "Darmanin à Rabat" in after and "Titre changé" not in after
    assert "Gérald Darmanin" in after and "Citation changée" not in after
    assert before.decode().count("Darmanin à Rabat") == after.count("Darmanin à Rabat")
    page = client.get(url("published", digest)).content.decode()
    assert "Permalink" in page and url("export", digest, "html") in page

    # And nothing can change it any more.
    assert client.get(url("detail", digest))["Location"] == url("published", digest)
    response = client.post(url("item-update", digest, item.id), {"summary": "changed"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.summary != "changed"
    with pytest.raises(services.DigestError):
        services.digest_items_add(digest=digest, articles=[found["attentat"]])
    with pytest.raises(services.DigestError):
        services.digest_publish(digest=digest, user=chief)


def test_an_empty_digest_cannot_be_published(client):
    client.force_login(make_user("chief", "chief editor"))
    digest = make_digest()
    response = client.post(url("publish", digest), {"confirm": "yes"}, follow=True)
    assert "Add at least one article" in response.content.decode()
    digest.refresh_from_db()
    assert digest.status == "draft"


def test_viewer_reads_published_digests_only(viewer_client):
    found = newsroom()
    digest = build_digest([found["rabat"]])
    assert viewer_client.get(url("published", digest)).status_code == 404
    services.digest_publish(digest=digest, user=None)
    assert viewer_client.get(url("published", digest)).status_code == 200
    assert digest.title in viewer_client.get(reverse("digests:list")).content.decode()
    response = viewer_client.get(url("export", digest, "md"))
    assert response.status_code == 200 and "Darmanin à Rabat" in response.content.decode()
    assert viewer_client.post(url("export-start", digest), {"format": "pdf"}).status_code == 403


def test_chief_editor_deletes_a_draft_but_an_editor_cannot(client):
    digest = make_digest()
    client.force_login(make_user("ed", "editor"))
    assert client.post(url("delete", digest), {"confirm": "yes"}).status_code == 403
    client.force_login(make_user("chief", "chief editor"))
    assert client.post(url("delete", digest), {"confirm": "yes"}).status_code == 302
    assert not Digest.objects.exists()


# The review page's "Add to digest".

def test_the_review_page_offers_the_drafts(client):
    found = newsroom()
    digest = make_digest()
    client.force_login(make_user("ed", "editor"))
    page = client.get(reverse("articles:detail", args=[found["rabat"].id])).content.decode()
    assert "Add to digest" in page and f'<option value="{digest.id}">' in page
    client.force_login(make_user("vi", "viewer"))
    page = client.get(reverse("articles:detail", args=[found["rabat"].id])).content.decode()
    assert "Add to digest" not in page


def test_an_editor_adds_the_article_from_its_review_page(editor_client):
    found = newsroom()
    digest = make_digest()
    path = reverse("digests:add-from-article")
    response = editor_client.post(path, {"digest": digest.id, "article": found["rabat"].id},
                                  headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Added to" in response.content.decode()
    assert DigestItem.objects.get(digest=digest).article == found["rabat"]
    response = editor_client.post(path, {"digest": digest.id, "article": found["rabat"].id,
                                         "next": "https://evil.example/"})
    assert response["Location"] == reverse("articles:detail", args=[found["rabat"].id])
    assert DigestItem.objects.filter(digest=digest).count() == 1


# Background exports: the large-digest threshold.

def test_a_large_digest_is_exported_in_the_background(editor_client, settings, monkeypatch):
    from digests import views

    monkeypatch.setattr(views, "SYNC_EXPORT_MAX_ITEMS", 1)
    found = newsroom()
    digest = build_digest([found["rabat"], found["jo"]])
    response = editor_client.get(url("export", digest, "pdf"))
    assert response.status_code == 302 and response["Location"].endswith("/preview#exports")
    assert "prepared in the background" in editor_client.get(url("preview", digest)).content.decode()


# Annotation exports for NLP teams.

def _annotation_corpus():
    found = newsroom()
    Mention.objects.filter(article=found["rabat"], text="Rabat").update(decision=Decision.REJECTED)
    ArticleTopic.objects.create(article=found["rabat"], topic=Topic.objects.get(slug="sport"), score=0.5,
                                decision=Decision.REJECTED)
    return found


def test_jsonl_holds_reviewed_articles_with_their_kept_spans_and_confirmed_topics(client):
    client.force_login(make_user("ed", "editor"))
    found = _annotation_corpus()
    response = client.get(reverse("digests:annotations-download", args=["jsonl"]))
    assert response.status_code == 200
    records = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert {r["id"] for r in records} == {found[k].id for k in ("rabat", "jo", "attentat", "old")}
    rabat = next(r for r in records if r["id"] == found["rabat"].id)
    assert all(rabat["text"][s["start"]:s["end"]] == s["text"] for s in rabat["spans"])
    assert {(s["text"], s["label"]) for s in rabat["spans"]} == {
        ("Gérald Darmanin", "PER"), ("Abdelouafi Laftit", "PER")}
    assert all(s["actor_id"] for s in rabat["spans"])
    assert [t["slug"] for t in rabat["topics"]] == ["terrorism"]
    assert [t["slug"] for t in rabat["rejected_topics"]] == ["sport"]


def test_docbin_loads_back_with_the_expected_entities(client):
    import spacy
    from spacy.tokens import DocBin

    client.force_login(make_user("ed", "editor"))
    found = _annotation_corpus()
    response = client.get(reverse("digests:annotations-download", args=["spacy"]))
    docs = list(DocBin().from_bytes(response.content).get_docs(spacy.blank("fr").vocab))
    assert len(docs) == 4
    rabat = next(d for d in docs if d.user_data["article_id"] == found["rabat"].id)
    assert rabat.text == found["rabat"].body
    assert [(e.text, e.label_) for e in rabat.ents] == [
        ("Gérald Darmanin", "PER"), ("Abdelouafi Laftit", "PER"), ("Gérald Darmanin", "PER")]
    assert rabat.cats == {"terrorism": 1.0, "sport": 0.0}
    assert response["X-Skipped-Spans"] == "misaligned=0; overlapping=0"


def test_docbin_expands_spans_inside_tokens_and_counts_overlaps():
    from digests.annotations import annotation_records, docbin_bytes

    article = annotated_article("Chevauchement", "Les Nations unies et l'ONU.",
                                mentions=[("Nations unies", "organisation")])
    Mention.objects.create(article=article, start=4, end=11, text="Nations", kind="organisation")
    Mention.objects.create(article=article, start=24, end=26, text="ON", kind="organisation")  # inside "l'ONU"
    data, report = docbin_bytes(annotation_records(Article.objects.filter(id=article.id)))
    assert (report.docs, report.overlapping) == (1, 1)
    import spacy
    from spacy.tokens import DocBin

    doc = next(DocBin().from_bytes(data).get_docs(spacy.blank("fr").vocab))
    assert doc.ents[0].text == "Nations unies" and len(doc.spans["mentions"]) == 3


def test_the_export_annotations_command_writes_both_formats(tmp_path):
    from django.core.management import call_command

    found = _annotation_corpus()
    call_command("export_annotations", "--format", "jsonl", "--out", str(tmp_path / "a.jsonl"))
    lines = (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and found["unreviewed"].title not in "".join(lines)
    call_command("export_annotations", "--format", "docbin", "--out", str(tmp_path / "a.spacy"))
    import spacy
    from spacy.tokens import DocBin

    assert len(list(DocBin().from_disk(tmp_path / "a.spacy").get_docs(spacy.blank("fr").vocab))) == 4


def test_annotation_exports_are_for_editors(client):
    client.force_login(make_user("vi", "viewer"))
    assert client.get(reverse("digests:annotations")).status_code == 403
    assert client.get(reverse("digests:annotations-download", args=["jsonl"])).status_code == 403
    client.force_login(make_user("ed", "editor"))
    assert client.get(reverse("digests:annotations")).status_code == 200


# A story is one item.

def _story_of(*articles, central=None):
    from stories.models import Story

    story = Story.objects.create(title="Darmanin à Rabat", central_article=central, article_count=len(articles))
    Article.objects.filter(id__in=[a.id for a in articles]).update(story=story)
    for article in articles:
        article.refresh_from_db()
    return story


def _rabat_coverage():
    """The same visit told by four outlets: the first to report it is unreviewed."""
    found = newsroom()
    first = annotated_article("Darmanin arrive", "Gérald Darmanin arrive à Rabat ce matin.", source="Le Matin",
                              day=1, reviewed=False)
    wire = annotated_article("Visite à Rabat (AFP)", "« Une coopération exemplaire », a dit Abdelouafi Laftit.",
                             source="AFP", day=2, reviewed=False,
                             quotes=[("« Une coopération exemplaire »", "Abdelouafi Laftit")])
    echo = annotated_article("Rabat, suite", "Le ministre est reparti de Rabat.", source="Le Desk", day=3,
                             reviewed=False)
    _story_of(found["rabat"], first, wire, echo)
    found.update(first=first, wire=wire, echo=echo)
    for name in ("rabat", "first", "wire", "echo"):
        found[name].refresh_from_db()
    return found


def test_articles_of_one_story_make_one_item_the_reviewed_one_and_later_ones_are_skipped(editor_client):
    found = _rabat_coverage()
    digest = make_digest()
    added = services.digest_items_add(digest=digest, articles=[found["first"], found["wire"], found["rabat"],
                                                               found["jo"]])
    assert [item.article_id for item in added] == [found["rabat"].id, found["jo"].id]
    assert services.digest_items_add(digest=digest, articles=[found["echo"]]) == []
    response = editor_client.post(reverse("digests:add-from-article"),
                                  {"article": found["wire"].id, "digest": digest.id}, follow=True)
    assert "or another article of its story" in response.content.decode()
    assert DigestItem.objects.filter(digest=digest).count() == 2


def test_without_a_reviewed_one_the_story_s_central_article_is_the_item():
    found = _rabat_coverage()
    Article.objects.filter(id=found["rabat"].id).update(review_state=Article.ReviewState.UNREVIEWED)
    from stories.models import Story

    Story.objects.filter(id=found["wire"].story_id).update(central_article=found["wire"])
    articles = list(Article.objects.filter(id__in=[found[n].id for n in ("first", "rabat", "wire")]).order_by("id"))
    added = services.digest_items_add(digest=make_digest(), articles=articles)
    assert [item.article_id for item in added] == [found["wire"].id]


def test_an_item_names_the_other_outlets_of_its_story_in_every_format(editor_client):
    found = _rabat_coverage()
    digest = build_digest([found["rabat"]])
    builder = editor_client.get(url("detail", digest)).content.decode()
    # Its own outlet (Le Desk, which also wrote the later article) is not repeated; first to report first.
    assert "Also reported by:</strong> Le Matin, AFP</p>" in builder
    published = services.digest_publish(digest=digest, user=None)
    from digests import exports
    from digests.selectors import view_for

    view = view_for(published)
    assert view.items[0].also_reported == ["Le Matin", "AFP"]  # kept in the snapshot
    # The digest's own language (French) in what it sends.
    assert "Également rapporté par :</strong> Le Matin, AFP" in exports.email_html(view).decode()
    assert "**Également rapporté par :** Le Matin, AFP" in exports.markdown(view).decode()
    assert exports.csv_rows(view).decode("utf-8-sig").splitlines()[1].endswith(",Le Matin; AFP")


def test_an_item_may_quote_any_article_of_its_story_and_only_those(editor_client):
    found = _rabat_coverage()
    digest = build_digest([found["rabat"]])
    item = DigestItem.objects.get(digest=digest)
    builder = editor_client.get(url("detail", digest)).content.decode()
    assert "Une coopération exemplaire" in builder and "(in AFP)" in builder
    wire_quote = Quote.objects.get(article=found["wire"])
    own = Quote.objects.get(article=found["rabat"])
    response = htmx(editor_client, url("item-update", digest, item.id),
                    {"summary": "x", "quotes": [own.id, wire_quote.id]})
    assert response.status_code == 200
    assert set(item.quotes.values_list("id", flat=True)) == {own.id, wire_quote.id}
    elsewhere = Quote.objects.filter(article=found["jo"]).first()
    assert htmx(editor_client, url("item-update", digest, item.id),
                {"summary": "x", "quotes": [elsewhere.id]}).status_code == 422
