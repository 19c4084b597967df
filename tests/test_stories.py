"""Stories: an annotated article joins the story of its event; editors' moves are kept."""

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings

from articles.models import Actor, Article, Decision, Kind, Mention, StoryOrigin
from articles.services.accounts import api_token_create
from articles.services.annotation import get_annotator
from stories import features
from stories.models import Story
from stories.services import article_story_move, stories_recluster, story_assign, story_merge, story_rename
from tests.factories import ActorFactory, ArticleFactory, MentionFactory

FLOOD_1 = ("River floods the town of Brenwick", "The river Arle burst its banks in Brenwick on Tuesday, flooding "
           "two hundred homes. Mayor Ilse Varga opened the sports hall to families forced from their houses.")
FLOOD_2 = ("Brenwick families shelter after flood", "Families from Brenwick spent the night in the sports hall after "
           "the river Arle flooded homes. Mayor Ilse Varga said the water was falling.")
FLOOD_FR = ("Inondations à Brenwick", "La rivière Arle a débordé à Brenwick mardi. La maire Ilse Varga a ouvert "
            "le gymnase aux familles sinistrées.")
# One fire told twice with other inflections ("détruisent", "détruite"; "blessées", "blessé"), and
# another event in the same trade.
FIRE_FR_1 = ("Les flammes détruisent une coopérative", "Les flammes ont détruit la coopérative dans la nuit ; trois "
             "salariées blessées ont été évacuées et les cuves endommagées brûlaient encore à l'aube.")
FIRE_FR_2 = ("Une coopérative détruite", "Un incendie détruisait la coopérative : un salarié blessé était évacué, "
             "une cuve endommagée brûlait toujours au matin.")
HARVEST_FR = ("Les vendanges commencent", "Les vendangeurs ont cueilli les premières grappes ; selon les "
              "viticulteurs de la coopérative, la récolte sera abondante.")
LAUNCH = ("Orbital printer maker unveils new model", "Kestrel Devices showed a desktop printer for circuit boards "
          "at a trade fair in Lund. Chief executive Tomas Hale said sales begin in spring.")


def test_it_finds_two_reports_of_one_event_closer_than_a_different_event():
    def vector(title, text, actors):
        return features.weigh(features.term_counts(title=title, text=text, actor_ids=actors), df={}, total=0)

    one, two = vector(*FLOOD_1, [1, 2]), vector(*FLOOD_2, [1, 2])
    other = vector(*LAUNCH, [3, 4])
    assert features.cosine(one, two) > 0.3
    assert features.cosine(one, other) < 0.05


def test_it_brings_two_languages_together_through_shared_actors():
    def vector(title, text, actors):
        return features.weigh(features.term_counts(title=title, text=text, actor_ids=actors), df={}, total=0)

    english, french = vector(*FLOOD_1, [1, 2, 5]), vector(*FLOOD_FR, [1, 2, 5])
    without_actors = features.cosine(vector(*FLOOD_1, []), vector(*FLOOD_FR, []))
    assert features.cosine(english, french) > without_actors + 0.2


def test_it_weighs_rare_keys_above_common_ones():
    counts = features.term_counts(title="", text="storm storm harbour", actor_ids=[])
    vector = features.weigh(counts, df={"t:storm": 900, "t:harbour": 1}, total=1000)
    assert vector["t:harbour"] > vector["t:storm"]


def test_it_folds_accents_plurals_and_stop_words():
    assert features.words("Les blessés de l'accident") == ["blesse", "accident"]
    assert features.words("The earthquakes struck") == ["earthquake", "struck"]


def test_it_reads_french_words_as_their_lemmas():
    lemmas = get_annotator().lemma_table("fr")
    assert features.words("Trois salariées blessées, évacuées", lemmas) == features.words(
        "un salarié blessé évacué", lemmas)
    assert features.words("Les cuves détruites", lemmas) == features.words("la cuve détruite", lemmas)
    assert features.words("Ils détruisaient", lemmas) == features.words("Elle est détruite", lemmas)


def test_it_leaves_out_stop_words_as_written_whatever_their_lemma():
    lemmas = get_annotator().lemma_table("fr")
    # "entre" would read as the verb "entrer", "depuis" and "plusieurs" lose their final letter.
    assert features.words("Depuis plusieurs jours, entre les maisons", lemmas) == ["jour", "maison"]
    assert features.words("Always serious, perhaps") == []


def test_it_reads_the_peoples_a_french_text_names_which_its_entities_leave_out():
    annotator = get_annotator()
    lemmas, adjectives = annotator.lemma_table("fr"), annotator.people_adjectives("fr")
    text = "Selon les Américaines, la Franco-Marocaine est libre. Belges et Suisses votent, les Belges aussi."
    # A sentence's first word is no name; a mention's words are its actor's.
    assert features.peoples(text, lemmas, adjectives=adjectives, mentioned=["Suisses"]) == [
        "americain", "franco-marocaine", "belge"]
    # The English model labels nationalities (NORP): they are mentions already.
    assert annotator.people_adjectives("en") == frozenset()


def test_a_people_the_text_names_weighs_as_an_actor():
    counts = features.term_counts(title="", text="Le vote du Belge", actor_ids=[], lemmas={},
                                  adjectives=frozenset({"belge"}))
    vector = features.weigh(counts, df={}, total=0)
    assert vector["p:belge"] == pytest.approx(vector["t:belge"] * features.ACTOR_WEIGHT)


def test_a_language_whose_model_has_no_table_of_forms_keeps_the_plural_strip():
    assert get_annotator().lemma_table("en") == {}
    assert get_annotator().lemma_table("xx") == {}


# --- the service, on articles annotated by hand (mentions linked to registry actors) ----------


def annotated(title, body, actors=(), *, source="", published_at=None, language="en"):
    article = ArticleFactory(title=title, body=body, language=language, published_at=published_at, source=source)
    for name in actors:
        MentionFactory(article=article, actor=ActorFactory(name=name, kind=Kind.PERSON), surface=name)
    return article


def story_of(article):
    return Article.objects.get(id=article.id).story


@pytest.mark.django_db
def test_it_puts_reports_of_one_event_together_and_another_event_apart():
    one = annotated(*FLOOD_1, ["Ilse Varga", "Brenwick"], source="Daily A")
    two = annotated(*FLOOD_2, ["Ilse Varga", "Brenwick"], source="Daily B")
    french = annotated(*FLOOD_FR, ["Ilse Varga", "Brenwick"], source="Le Quotidien", language="fr")
    other = annotated(*LAUNCH, ["Tomas Hale", "Kestrel Devices"], source="Daily A")
    for article in (one, two, french, other):
        story_assign(article_id=article.id)
    story = story_of(one)
    assert story_of(two) == story and story_of(french) == story
    assert story_of(other) != story
    assert (story.article_count, story.outlet_count, story.languages) == (3, 3, ["en", "fr"])
    assert story.title in (FLOOD_1[0], FLOOD_2[0], FLOOD_FR[0])


@pytest.mark.django_db
def test_two_french_reports_of_one_event_in_other_inflections_join_and_another_event_stays_apart():
    one, two, other = (annotated(*texts, language="fr") for texts in (FIRE_FR_1, FIRE_FR_2, HARVEST_FR))
    for article in (one, two, other):
        story_assign(article_id=article.id)
    assert story_of(two) == story_of(one)
    assert story_of(other) != story_of(one)


@pytest.mark.django_db
def test_it_keeps_the_same_event_words_apart_beyond_the_time_window():
    day = datetime(2026, 3, 2, tzinfo=UTC)
    first = annotated(*FLOOD_1, ["Ilse Varga", "Brenwick"], published_at=day)
    later = annotated(*FLOOD_2, ["Ilse Varga", "Brenwick"], published_at=day + timedelta(days=40))
    story_assign(article_id=first.id)
    story_assign(article_id=later.id)
    assert story_of(first) != story_of(later)


@pytest.mark.django_db
def test_a_people_an_editor_rejected_as_a_mention_is_no_key():
    body = "La récolte a commencé selon les Tibétains du village."
    kept = ArticleFactory(title="Récolte", body=body, language="fr")
    rejected = ArticleFactory(title="Récolte", body=body, language="fr")
    MentionFactory(article=rejected, surface="Tibétains", kind=Kind.OTHER, decision=Decision.REJECTED)
    for article in (kept, rejected):
        story_assign(article_id=article.id)
    assert "p:tibetain" in Article.objects.get(id=kept.id).story_vector.vector
    assert "p:tibetain" not in Article.objects.get(id=rejected.id).story_vector.vector


@pytest.mark.django_db
def test_assigning_twice_changes_nothing():
    one = annotated(*FLOOD_1, ["Ilse Varga"])
    two = annotated(*FLOOD_2, ["Ilse Varga"])
    for article in (one, two, one, two, two):
        story_assign(article_id=article.id)
    assert Story.objects.count() == 1
    assert Story.objects.get().article_count == 2


@pytest.mark.django_db
def test_a_moved_article_stays_where_the_editor_put_it(editor):
    one = annotated(*FLOOD_1, ["Ilse Varga"])
    two = annotated(*FLOOD_2, ["Ilse Varga"])
    for article in (one, two):
        story_assign(article_id=article.id)
    new = article_story_move(article_id=two.id, story_id=None, user=editor)
    assert new != story_of(one)
    # The machine weighs it again (new mentions, a new pipeline) and new articles arrive: it stays.
    Mention.objects.filter(article=two).delete()
    story_assign(article_id=two.id)
    story_assign(article_id=annotated(FLOOD_2[0] + " again", FLOOD_2[1] + " More.", ["Ilse Varga"]).id)
    moved = Article.objects.get(id=two.id)
    assert moved.story == new and moved.story_origin == StoryOrigin.EDITOR
    assert moved.events.filter(action="story_move").exists()


@pytest.mark.django_db
def test_an_editor_places_an_article_not_weighed_yet_without_loading_a_model(editor, monkeypatch):
    # The move runs in a web process, which never loads a language model (tests/test_web_processes.py).
    def no_model(language):
        raise AssertionError(f"a model's lemma table or adjectives asked for ({language})")

    one = annotated(*FIRE_FR_1, language="fr")
    story_assign(article_id=one.id)
    two = annotated(*FIRE_FR_2, language="fr")
    monkeypatch.setattr("stories.services._lexicon", no_model)

    story = article_story_move(article_id=two.id, story_id=story_of(one).id, user=editor)

    assert story_of(two) == story == story_of(one)
    assert Article.objects.get(id=two.id).story_vector.vector  # weighed, from its plain words


# One accident told three ways: the first two share next to nothing (the crane, then the strike it
# caused), the third tells both.
CRANE = ("Harbour crane collapses at Tolvik", "A crane collapsed on the quay on Monday, crushing two "
         "containers and a forklift.")
STRIKE = ("Dockers walk out at Tolvik", "Dockers stopped work on Tuesday, demanding inspections of all "
          "lifting gear before loading resumes.")
BOTH = ("Tolvik crane collapse: dockers walk out", "After the crane collapsed on the quay, crushing containers "
        "and a forklift, dockers stopped work demanding inspections of the lifting gear.")


@pytest.mark.django_db
def test_an_article_that_started_its_own_story_joins_its_event_once_a_later_report_links_them():
    crane, strike, both = annotated(*CRANE), annotated(*STRIKE), annotated(*BOTH)
    story_assign(article_id=crane.id)
    story_assign(article_id=strike.id)
    assert story_of(strike) != story_of(crane)  # too little in common on their own
    started = {story_of(crane).id, story_of(strike).id}

    story_assign(article_id=both.id)
    story = story_of(both)
    assert story_of(crane) == story == story_of(strike)
    assert (Story.objects.count(), story.article_count) == (1, 3)
    assert story.id in started  # the story the later report joined; the other is gone
    # The article that started the surviving story has no score; the one taken in has its similarity.
    scores = sorted((Article.objects.get(id=a.id).story_vector.score for a in (crane, strike)),
                    key=lambda score: score is not None)
    assert scores[0] is None and scores[1] >= settings.STORY_THRESHOLD
    assert {a.story_origin for a in Article.objects.all()} == {StoryOrigin.MACHINE}


# Whichever of the two the later report joins, the other is the one that would be taken in.
@pytest.mark.django_db
@pytest.mark.parametrize("placed", [0, 1])
def test_an_article_an_editor_put_in_its_own_story_stays_there_when_its_event_grows(editor, placed):
    crane, strike, both = annotated(*CRANE), annotated(*STRIKE), annotated(*BOTH)
    story_assign(article_id=crane.id)
    story_assign(article_id=strike.id)
    kept = (crane, strike)[placed]
    own = article_story_move(article_id=kept.id, story_id=None, user=editor)
    story_assign(article_id=both.id)
    assert story_of(kept) == own and Article.objects.get(id=kept.id).story_origin == StoryOrigin.EDITOR
    assert Article.objects.filter(story=own).count() in (1, 3)  # alone, or the others joined it


@pytest.mark.django_db
@pytest.mark.parametrize("renamed", [0, 1])
def test_a_story_an_editor_renamed_keeps_its_single_article_when_its_event_grows(editor, renamed):
    crane, strike, both = annotated(*CRANE), annotated(*STRIKE), annotated(*BOTH)
    story_assign(article_id=crane.id)
    story_assign(article_id=strike.id)
    kept = (crane, strike)[renamed]
    named = story_rename(story_id=story_of(kept).id, title="The accident", user=editor)
    story_assign(article_id=both.id)
    assert story_of(kept) == named and Story.objects.get(id=named.id).title == "The accident"


@pytest.mark.django_db
@pytest.mark.parametrize("watched", [0, 1])
def test_a_story_someone_watches_keeps_its_single_article_when_its_event_grows(viewer, watched):
    from watches.models import Watch
    from watches.services import watch_create

    crane, strike, both = annotated(*CRANE), annotated(*STRIKE), annotated(*BOTH)
    story_assign(article_id=crane.id)
    story_assign(article_id=strike.id)
    kept = (crane, strike)[watched]
    watch = watch_create(user=viewer, kind="story", target_id=story_of(kept).id)
    story_assign(article_id=both.id)
    assert Watch.objects.filter(id=watch.id, story=story_of(kept)).exists()


@pytest.mark.django_db
def test_reclustering_gives_second_chance_as_assignment_does():
    articles = [annotated(*texts) for texts in (CRANE, STRIKE, BOTH)]
    for article in articles:
        story_assign(article_id=article.id)
    assert stories_recluster() == 3
    assert Story.objects.count() == 1 and Story.objects.get().article_count == 3


@pytest.mark.django_db
def test_an_article_a_later_report_does_not_reach_keeps_its_own_story():
    crane, launch, both = annotated(*CRANE), annotated(*LAUNCH), annotated(*BOTH)
    for article in (crane, launch, both):
        story_assign(article_id=article.id)
    assert story_of(both) == story_of(crane) != story_of(launch)
    assert Story.objects.count() == 2


@pytest.mark.django_db
def test_editors_merge_and_rename_stories(editor):
    flood = annotated(*FLOOD_1, ["Ilse Varga"])
    launch = annotated(*LAUNCH, ["Tomas Hale"])
    for article in (flood, launch):
        story_assign(article_id=article.id)
    target = story_of(flood)
    story_merge(story_id=story_of(launch).id, into_id=target.id, user=editor)
    story_rename(story_id=target.id, title="Floods and printers", user=editor)
    story_assign(article_id=annotated(*FLOOD_2, ["Ilse Varga"]).id)
    target.refresh_from_db()
    assert (target.title, target.title_by_editor, target.article_count) == ("Floods and printers", True, 3)
    assert Story.objects.count() == 1


# --- API ---------------------------------------------------------------------------------------


def auth(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def flood_and_launch(db):
    articles = [annotated(*FLOOD_1, ["Ilse Varga"], source="Daily A", published_at=datetime(2026, 3, 2, tzinfo=UTC)),
                annotated(*FLOOD_FR, ["Ilse Varga"], source="Le Quotidien", language="fr",
                          published_at=datetime(2026, 3, 3, tzinfo=UTC)),
                annotated(*LAUNCH, ["Tomas Hale"], source="Daily A", published_at=datetime(2026, 3, 4, tzinfo=UTC))]
    for article in articles:
        story_assign(article_id=article.id)
    return articles


@pytest.mark.django_db
def test_api_lists_stories_newest_first_with_their_fields(client, viewer, flood_and_launch):
    token = api_token_create(user=viewer)
    body = client.get("/api/stories", headers=auth(token)).json()
    assert body["count"] == 2
    launch, flood = body["items"]
    assert launch["title"] == LAUNCH[0]
    assert (flood["article_count"], flood["outlet_count"], flood["languages"]) == (2, 2, ["en", "fr"])
    assert flood["first_seen"].startswith("2026-03-02") and flood["last_seen"].startswith("2026-03-03")
    assert [a["name"] for a in flood["actors"]] == ["Ilse Varga"]
    assert set(flood) == {"id", "title", "article_count", "outlet_count", "languages", "first_seen", "last_seen",
                          "actors", "topics"}


@pytest.mark.django_db
def test_api_filters_stories_like_the_queue(client, viewer, flood_and_launch):
    token = api_token_create(user=viewer)

    def titles(query):
        return [item["title"] for item in client.get("/api/stories?" + query, headers=auth(token)).json()["items"]]

    assert titles("language=fr") == [Story.objects.get(articles=flood_and_launch[0]).title]
    assert titles("source=Le+Quotidien") == titles("language=fr")
    assert titles("from=2026-03-04") == [LAUNCH[0]]
    assert titles("to=2026-03-02") == titles("language=fr")
    actor = Actor.objects.get(name="Tomas Hale")
    assert titles(f"actor={actor.id}") == [LAUNCH[0]]


@pytest.mark.django_db
def test_api_shows_a_story_with_its_articles_and_the_first_to_report(client, viewer, flood_and_launch):
    token = api_token_create(user=viewer)
    story = Story.objects.get(articles=flood_and_launch[0])
    body = client.get(f"/api/stories/{story.id}", headers=auth(token)).json()
    assert [(a["id"], a["first_to_report"]) for a in body["articles"]] == [
        (flood_and_launch[0].id, True), (flood_and_launch[1].id, False)]
    article = client.get(f"/api/articles/{flood_and_launch[1].id}", headers=auth(token)).json()
    assert article["story"] == {"id": story.id, "title": story.title, "size": 2}


@pytest.mark.django_db
def test_api_article_story_is_null_until_assigned(client, viewer):
    article = annotated(*LAUNCH)
    body = client.get(f"/api/articles/{article.id}", headers=auth(api_token_create(user=viewer))).json()
    assert body["story"] is None


@pytest.mark.django_db
def test_api_editor_moves_an_article_and_a_viewer_cannot(client, editor, viewer, flood_and_launch):
    flood, french, launch = flood_and_launch
    url = f"/api/articles/{french.id}/story"

    def post(token, payload):
        return client.post(url, data=json.dumps(payload), content_type="application/json", headers=auth(token))

    assert post(api_token_create(user=viewer), {"story_id": None}).status_code == 403
    assert story_of(french) == story_of(flood)
    editor_token = api_token_create(user=editor)
    response = post(editor_token, {"story_id": story_of(launch).id})
    assert response.status_code == 200
    assert response.json()["story"] == {"id": story_of(launch).id, "title": LAUNCH[0], "size": 2}
    response = post(editor_token, {"story_id": None})
    assert response.json()["story"]["size"] == 1 and story_of(french) not in (story_of(flood), story_of(launch))
    response = post(editor_token, {"story_id": 999999})
    assert response.status_code == 400 and "999999" in response.json()["detail"]


@pytest.mark.django_db
def test_reclustering_after_a_change_of_keys_counts_and_weighs_them_again(editor):
    from stories.models import ArticleVector, KeyFrequency

    one, two, launch = annotated(*FLOOD_1, ["Ilse Varga"]), annotated(*FLOOD_2, ["Ilse Varga"]), annotated(*LAUNCH)
    for article in (one, two, launch):
        story_assign(article_id=article.id)
    shaped = story_rename(story_id=story_of(launch).id, title="The printer launch", user=editor)
    frequencies = dict(KeyFrequency.objects.values_list("key", "df"))
    # What an older way of reading the words left: keys no article has now, counts that miss the new ones.
    KeyFrequency.objects.exclude(key="").delete()
    KeyFrequency.objects.create(key="t:launche", df=3)
    ArticleVector.objects.filter(article_id=launch.id).update(vector={"t:launche": 1.0}, signature="old")
    Story.objects.filter(id=shaped.id).update(centroid={"t:launche": 1.0})

    stories_recluster()
    assert dict(KeyFrequency.objects.values_list("key", "df")) == frequencies
    centroid = Story.objects.get(id=shaped.id).centroid
    assert "t:launche" not in centroid and "t:printer" in centroid
    assert story_of(one) == story_of(two) and story_of(launch) == shaped


@pytest.mark.django_db
def test_reclustering_regroups_the_machine_s_stories_and_keeps_those_editors_shaped(editor, settings):
    from django.core.management import call_command

    from stories.models import KeyFrequency

    one = annotated(*FLOOD_1, ["Ilse Varga"], source="Daily A")
    two = annotated(*FLOOD_2, ["Ilse Varga"], source="Daily B")
    french = annotated(*FLOOD_FR, ["Ilse Varga"], source="Le Quotidien", language="fr")
    launch = annotated(*LAUNCH, ["Tomas Hale"], source="Daily A")
    for article in (one, two, french, launch):
        story_assign(article_id=article.id)
    taken_out = article_story_move(article_id=two.id, story_id=None, user=editor)
    renamed = story_rename(story_id=story_of(launch).id, title="The printer launch", user=editor)
    flood = story_of(one)
    frequencies = dict(KeyFrequency.objects.values_list("key", "df"))

    out = io.StringIO()
    call_command("recluster_stories", stdout=out)
    assert "2 articles grouped again." in out.getvalue()  # the flood story's; the other two were shaped
    # The same settings make the same groups, and nothing is counted twice.
    assert story_of(one) == story_of(french) != story_of(two) == taken_out
    assert story_of(launch) == renamed and Story.objects.get(id=renamed.id).title == "The printer launch"
    assert dict(KeyFrequency.objects.values_list("key", "df")) == frequencies
    assert not Story.objects.filter(id=flood.id).exists() or story_of(one).id == flood.id

    # A stricter threshold, then reclustering: the machine's story comes apart, the shaped ones stay.
    settings.STORY_THRESHOLD = 1.01
    assert stories_recluster() == 2
    assert story_of(one) != story_of(french)
    assert (story_of(two), story_of(launch)) == (taken_out, renamed)
    assert Story.objects.count() == 4
