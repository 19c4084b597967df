"""The queue's filters parse any query string: a value or the filter off, never an exception."""

from datetime import date

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article
from articles.queue_params import QueueParams
from articles.selectors import articles_for_queue
from pressreview.inputs import FIRST_DAY, LAST_DAY, MAX_ID, id_or_none

pytestmark = pytest.mark.embedded

FIELDS = ["q", "status", "review_state", "topic", "actor", "source", "language", "added_from", "added_to",
          "published_from", "published_to"]
# Any text, and text shaped like what the fields expect (days at the edges of the calendar, long numbers).
values = st.one_of(
    st.text(),
    st.dates().map(date.isoformat),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["0001-01-01", "9999-12-31", "0001-01-02", "9999-12-30", str(MAX_ID), str(MAX_ID + 1), "²",
                     "١٢", " 12 ", "12\x00", "\ud800"]),
)
queries = st.dictionaries(st.sampled_from(FIELDS), values)


@given(st.one_of(values, st.none(), st.integers()))
def test_id_or_none_is_an_id_or_none(value):
    number = id_or_none(value)
    assert number is None or 0 < number <= MAX_ID


@given(queries)
def test_any_query_gives_filters_the_database_can_use(query):
    params = QueueParams.from_query(query)
    for day in (params.added_from, params.added_to, params.published_from, params.published_to):
        assert day is None or FIRST_DAY <= day <= LAST_DAY
    for number in (params.actor, params.source):
        assert number is None or 0 < number <= MAX_ID
    assert params.status in ("", *Article.Status.values)
    # What the page links to parses back to the same filters.
    assert QueueParams.from_query(QueryDict(params.querystring())) == params


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["actor", "source", "added_from", "added_to", "published_from",
                                        "published_to"]), values))
def test_any_query_runs_on_the_database(query):
    list(articles_for_queue(query)[:1])
