"""Every log line of an annotation task names the articles it is about."""

import json
import logging

import pytest

from articles.services.ingest import article_create
from pressreview.logs import ArticleFilter, JsonFormatter, about_articles
from tests.conftest import wait_annotated


def record(message="annotated"):
    entry = logging.LogRecord("articles.nlp.pipeline", logging.INFO, __file__, 1, message, (), None)
    ArticleFilter().filter(entry)
    return entry


def test_lines_carry_the_articles_being_worked_on():
    assert record().article == "-"
    with about_articles([12, 13]):
        assert record().article == "12,13"
    assert record().article == "-"


def test_the_json_format_is_one_object_a_line():
    with about_articles([7]):
        line = JsonFormatter().format(record("claimed"))
    entry = json.loads(line)
    assert (entry["article"], entry["logger"], entry["message"], entry["level"]) == (
        "7", "articles.nlp.pipeline", "claimed", "INFO")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_workers_lines_about_an_article_name_it(worker):
    article = article_create(body="Gérald Darmanin est arrivé à Rabat mercredi matin.", title="Log").article
    wait_annotated([article.id], worker=worker)
    lines = [line for line in worker.tail(400).splitlines() if f"article {article.id} annotated" in line]
    assert lines and all(f"article={article.id} " in line for line in lines), lines
