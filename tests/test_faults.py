"""Nothing is lost when the real services fail: a worker killed in the middle of a
batch, Redis down while editors paste, PostgreSQL down during annotation, workers
restarted with a new pipeline, an article too slow for its time limit.

Each test starts its own processes (redis-server on a free port, a private
PostgreSQL cluster, celery workers) and stops or kills them; the machine's own
services are never touched. They need PostgreSQL and Redis (DATABASE_URL,
REDIS_URL, as in CI): in the embedded mode there is no service to stop, and they
are skipped.
"""

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Count, Q

from articles.models import ActorRole, Article, ArticleTopic, Decision, Mention, Origin, Quote
from tests.conftest import CORPUS, REPO, _reset_broker_pools, make_user, wait_annotated, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

REDIS_SERVER = shutil.which("redis-server")


@pytest.fixture(autouse=True)
def services():
    if connection.vendor != "postgresql" or not django_settings.REDIS_URL:
        pytest.skip("needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL): the embedded mode has no service to stop")
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed: these tests start and stop their own Redis")


def free_port(first: int) -> int:
    for port in range(first, first + 100):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port from {first}")


def corpus_paragraphs() -> list[str]:
    path = CORPUS / "fr-darmanin-rabat.txt"
    if not path.exists():
        pytest.skip(f"{path} is not here: the shared corpus sits beside the repository in development and CI")
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[: lines.index("En savoir plus")]  # the site's boilerplate after it


def article_texts(count: int, paragraphs: int = 3) -> list[str]:
    """Distinct French dispatches made of the demo article's paragraphs: people,
    places, quotes and topics in each."""
    pool = corpus_paragraphs()
    rng = random.Random(20240301)
    return ["\n\n".join([*rng.sample(pool, paragraphs), f"Dépêche numéro {i + 1}."]) for i in range(count)]


# --- processes ---------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of the test's own, without persistence: killed, it forgets every message."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port(6391)
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.log = open(self.folder / "redis.log", "ab")
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", str(self.folder)],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        wait_for(self.answers, timeout=20, what=f"redis-server on port {self.port}")

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_timeout=1).ping()
        except redis.ConnectionError:
            return False

    def kill(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def broker(redis_server, monkeypatch):
    """This process sends its tasks to the test's own Redis (repointed, as ``broker_down`` does)."""
    from pressreview.celery import app

    monkeypatch.setattr(app.conf, "broker_url", redis_server.url)
    _reset_broker_pools()
    yield redis_server
    monkeypatch.undo()
    _reset_broker_pools()


@pytest.fixture
def workers(worker_factory, redis_server):
    """Start workers on the test's own Redis; each is stopped when the test ends."""
    started = []

    def start(env=None, args=(), concurrency=1):
        worker = worker_factory(concurrency=concurrency, env={"REDIS_URL": redis_server.url, **(env or {})}, args=args)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.stop()


def alive(worker, predicate):
    """``predicate``, failing at once if the worker died rather than at the timeout."""

    def check():
        assert worker.process.poll() is None, "the worker died:\n" + worker.tail()
        return predicate()

    return check


def wait_ready(worker, timeout=120):
    wait_for(alive(worker, lambda: " ready." in worker.log_path.read_text(errors="replace")), timeout=timeout,
             worker=worker, what="the worker to be ready")


# --- what was stored ------------------------------------------------------------------------


def clean_annotations(bodies: dict[int, str]) -> dict[int, dict]:
    """What one clean pipeline run stores for each text, computed here in one pass."""
    from articles.nlp.pipeline import Annotator
    from articles.services.annotation import load_knowledge, load_topic_specs

    annotator = Annotator(models=django_settings.SPACY_MODELS, detect_languages=django_settings.DETECT_LANGUAGES,
                          topic_threshold=django_settings.TOPIC_THRESHOLD)
    annotator.set_knowledge(load_knowledge())
    annotator.set_topics(load_topic_specs())
    ids = sorted(bodies)
    results = annotator.annotate_many([bodies[i] for i in ids])
    return {
        article_id: {
            "mentions": sorted({(m.start, m.end) for m in result.mentions}),
            "quotes": sorted({(q.start, q.end) for q in result.quotes}),
            "topics": sorted({hit.slug for hit in result.topics}),
        }
        for article_id, result in zip(ids, results, strict=True)
    }


def stored_annotations(article_ids) -> dict[int, dict]:
    stored = {i: {"mentions": [], "quotes": [], "topics": []} for i in article_ids}
    rows = Mention.objects.filter(article_id__in=article_ids).values_list("article_id", "start", "end")
    for article_id, start, end in rows:
        stored[article_id]["mentions"].append((start, end))
    rows = Quote.objects.filter(article_id__in=article_ids).values_list("article_id", "start", "end")
    for article_id, start, end in rows:
        stored[article_id]["quotes"].append((start, end))
    rows = ArticleTopic.objects.filter(article_id__in=article_ids).values_list("article_id", "topic__slug")
    for article_id, slug in rows:
        stored[article_id]["topics"].append(slug)
    # Sorted but not de-duplicated: a row written twice shows as a difference.
    return {i: {layer: sorted(rows) for layer, rows in layers.items()} for i, layers in stored.items()}


def duplicates(model, *fields) -> list:
    return list(model.objects.values(*fields).annotate(n=Count("id")).filter(n__gt=1).values_list(*fields, "n"))


def statuses(article_ids) -> Counter:
    return Counter(Article.objects.filter(id__in=article_ids).values_list("status", flat=True))


# --- 1. a worker killed in the middle of a batch ------------------------------------------------

VISIBILITY_TIMEOUT = 15  # seconds before Redis hands a dead worker's message to another


def pool_processes(worker) -> list[int]:
    children = Path(f"/proc/{worker.process.pid}/task/{worker.process.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def import_articles(texts) -> list[int]:
    """Through the bulk import: the articles reach the workers as annotate_batch messages
    of IMPORT_ANNOTATION_BATCH ids."""
    from imports.services.batches import import_start
    from imports.services.runner import import_run

    data = json.dumps({"articles": [{"title": f"Dépêche {i}", "text": text} for i, text in enumerate(texts)]})
    batch = import_start(file=ContentFile(data.encode()), filename="feed.json", options={}, enqueue=False)
    import_run(batch_id=batch.id)
    return list(batch.articles().order_by("id").values_list("id", flat=True))


def assert_annotated_once(ids, *, compare: set[int]):
    """Every article annotated; no row twice; ``compare`` as one clean run stores them."""
    articles = list(Article.objects.filter(id__in=ids))
    assert Counter(a.status for a in articles) == {"annotated": len(ids)}, [a.last_error for a in articles]
    assert not duplicates(Mention, "article_id", "start", "end")
    assert not duplicates(Quote, "article_id", "start", "end")
    assert not duplicates(ArticleTopic, "article_id", "topic_id")
    assert not duplicates(ActorRole, "article_id", "actor_id", "start", "end")
    stored = stored_annotations(ids)
    assert all(stored[i]["mentions"] for i in ids)
    reference = clean_annotations(dict(Article.objects.filter(id__in=compare).values_list("id", "body")))
    differ = [i for i in sorted(compare) if stored[i] != reference[i]]
    assert not differ, (
        f"{len(differ)} articles differ from a clean run, "
        f"e.g. {differ[0]}: {stored[differ[0]]} != {reference[differ[0]]}"
    )


def test_a_worker_killed_in_the_middle_of_a_batch_leaves_every_article_annotated_once(seeded, broker, workers):
    env = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
    first = workers(env)
    ids = import_articles(article_texts(200))
    assert len(ids) == 200

    def mid_batch():
        counts = statuses(ids)
        return counts["annotated"] and counts["annotating"]

    wait_for(alive(first, mid_batch), timeout=240, interval=0.05, worker=first,
             what="a batch in progress after a finished one")
    first.kill()  # SIGKILL to the whole worker: nothing acknowledges or gives back its message
    killed_at = time.monotonic()

    at_kill = statuses(ids)
    in_flight = set(Article.objects.filter(id__in=ids, status="annotating").values_list("id", flat=True))
    assert 0 < at_kill["annotated"] < 200 and in_flight, f"the worker died mid-batch: {at_kill}"
    assert not Mention.objects.filter(article_id__in=in_flight).exists(), "a batch is written in one transaction"

    # Redis gives the message back once its visibility timeout has passed.
    time.sleep(max(0.0, killed_at + VISIBILITY_TIMEOUT + 1 - time.monotonic()))
    second = workers(env)
    wait_annotated(ids, worker=second, timeout=300)

    attempts = dict(Article.objects.filter(id__in=ids).values_list("id", "attempts"))
    assert {attempts[i] for i in in_flight} == {2}, "the dead worker's batch was taken again"
    assert {attempts[i] for i in set(ids) - in_flight} == {1}
    assert_annotated_once(ids, compare=in_flight | set(ids[:5]))


def test_a_pool_process_killed_in_the_middle_of_a_batch_is_replaced_and_its_batch_done_once(seeded, broker, workers,
                                                                                            settings):
    # What the OOM killer or a hard time limit does: the pool process dies, the worker lives on.
    settings.IMPORT_ANNOTATION_BATCH = 20
    worker = workers()
    ids = import_articles(article_texts(60, paragraphs=2))

    wait_for(alive(worker, lambda: statuses(ids)["annotating"]), timeout=240, interval=0.05, worker=worker,
             what="a batch in progress")
    [process] = pool_processes(worker)
    os.kill(process, signal.SIGKILL)
    in_flight = set(Article.objects.filter(id__in=ids, status="annotating").values_list("id", flat=True))
    assert in_flight

    # The message is given back at once (reject_on_worker_lost); a new pool process
    # loads the models, which takes longer than Celery's default wait for it.
    wait_annotated(ids, worker=worker, timeout=300)
    assert worker.process.poll() is None
    assert pool_processes(worker) != [process]
    attempts = dict(Article.objects.filter(id__in=ids).values_list("id", "attempts"))
    assert {attempts[i] for i in in_flight} == {2}
    assert_annotated_once(ids, compare=in_flight)


# --- 2. Redis down while editors paste ----------------------------------------------------------


def test_articles_pasted_while_redis_is_down_are_annotated_once_it_is_back(seeded, broker, workers, client, tmp_path):
    # The sweeper runs every 2 s from the worker's beat and sends what waited "queued" for 3 s.
    worker = workers({"SWEEP_EVERY": "2", "SWEEP_QUEUED_AFTER": "3"},
                     args=("--beat", "--schedule", str(tmp_path / "beat-schedule")))
    client.force_login(make_user("editor", "editor"))
    texts = article_texts(4, paragraphs=1)
    response = client.post("/articles/new", {"paste-title": "Avant la panne", "paste-body": texts[0]})
    assert response.status_code == 302
    wait_annotated([Article.objects.get(title="Avant la panne").id], worker=worker, timeout=300)

    broker.kill()
    for i, text in enumerate(texts[1:]):
        response = client.post("/articles/new", {"paste-title": f"Pendant la panne {i}", "paste-body": text})
        assert response.status_code == 302, "the editor's request does not fail"
    pasted = list(Article.objects.filter(title__startswith="Pendant la panne").values_list("id", flat=True))
    assert len(pasted) == 3 and statuses(pasted) == {"queued": 3}

    time.sleep(3)
    broker.start()  # the same port, and empty: the messages were never sent
    wait_annotated(pasted, worker=worker, timeout=180)

    assert statuses(pasted) == {"annotated": 3}
    assert set(Article.objects.filter(id__in=pasted).values_list("attempts", flat=True)) == {1}
    assert "stranded articles" in worker.log_path.read_text(errors="replace"), "sent again by the sweeper"
    assert_annotated_once(pasted, compare=set(pasted))


# --- 3. PostgreSQL down during annotation -------------------------------------------------------


class PostgresCluster:
    """A PostgreSQL cluster of the test's own, run by the postgres user, stopped like a crash."""

    def __init__(self, folder: Path, bin_dir: Path):
        self.folder = folder
        self.bin_dir = bin_dir
        self.data = folder / "data"
        self.port = free_port(5441)

    def run(self, *command, check=True):
        return subprocess.run(["runuser", "-u", "postgres", "--", *command], cwd=self.folder, check=check,
                              capture_output=True, text=True, timeout=120)

    def init(self):
        self.run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "pg.log"),
                 "-w", "start")

    def crash(self):
        self.run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)

    def url(self, name="faults") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def query(self, sql, *params):
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=faults", connect_timeout=5) as db:
            return db.execute(sql, params).fetchall()


@pytest.fixture
def postgres():
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not versions or os.geteuid() != 0 or not shutil.which("runuser"):
        pytest.skip("needs PostgreSQL's server binaries and root (runuser -u postgres) to run a private cluster")
    folder = Path(tempfile.mkdtemp(prefix="pr-faults-pg-"))
    shutil.chown(folder, "postgres", "postgres")
    cluster = PostgresCluster(folder, versions[-1].parent)
    cluster.init()
    cluster.start()
    try:
        cluster.run(str(cluster.bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "faults")
        yield cluster
    finally:
        cluster.crash()
        shutil.rmtree(folder, ignore_errors=True)


def manage(*args, env: dict, stdin: str | None = None) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env={**os.environ, **env}, input=stdin,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


PASTE = """
import json, sys
from articles.services.ingest import article_create
texts = json.load(sys.stdin)
print(json.dumps([article_create(body=text, title=f"Dépêche {i}").article.id for i, text in enumerate(texts)]))
"""


def test_postgresql_stopped_during_annotation_leaves_no_article_half_written(seeded, postgres, broker, workers):
    env = {"DATABASE_URL": postgres.url(), "REDIS_URL": broker.url}
    manage("migrate", "--noinput", env=env)
    worker = workers({"DATABASE_URL": postgres.url()})
    wait_ready(worker)
    texts = article_texts(30, paragraphs=2)
    ids = json.loads(manage("shell", "-c", PASTE, env=env, stdin=json.dumps(texts)).splitlines()[-1])

    def count(status):
        return postgres.query("SELECT count(*) FROM articles_article WHERE status = %s", status)[0][0]

    wait_for(alive(worker, lambda: count("annotated") >= 3), timeout=300, interval=0.05, worker=worker,
             what="a few articles annotated")
    postgres.crash()
    time.sleep(5)
    postgres.start()
    wait_for(alive(worker, lambda: count("annotated") + count("failed") == len(ids)), timeout=180, worker=worker,
             what="every article finished")

    assert count("annotated") == len(ids), postgres.query("SELECT id, status, last_error FROM articles_article")
    log = worker.log_path.read_text(errors="replace")
    assert "transient error, retrying" in log, "the task met the database down and was retried"
    # Each article has its whole annotation, once: what one clean run stores.
    stored = {i: {"mentions": [], "quotes": [], "topics": []} for i in ids}
    for layer, sql in (
        ("mentions", "SELECT article_id, start, \"end\" FROM articles_mention"),
        ("quotes", "SELECT article_id, start, \"end\" FROM articles_quote"),
        ("topics", "SELECT t.article_id, topic.slug FROM articles_articletopic t "
                   "JOIN articles_topic topic ON topic.id = t.topic_id"),
    ):
        for article_id, *row in postgres.query(sql):
            stored[article_id][layer].append(tuple(row) if len(row) > 1 else row[0])
    stored = {i: {layer: sorted(rows) for layer, rows in layers.items()} for i, layers in stored.items()}
    bodies = dict(postgres.query("SELECT id, body FROM articles_article"))
    reference = clean_annotations(bodies)
    differ = [i for i in ids if stored[i] != reference[i]]
    assert not differ, (
        f"{len(differ)} articles differ from a clean run, e.g. {stored[differ[0]]} != {reference[differ[0]]}"
    )


# --- 4. workers restarted with a new pipeline version -------------------------------------------


def editor_rows(article_ids) -> dict:
    """Every row that holds an editor's decision, with what the decision says."""
    decided = ~Q(decision=Decision.PENDING) | Q(origin=Origin.EDITOR)
    return {
        "mentions": list(Mention.objects.filter(decided, article_id__in=article_ids).order_by("id").values(
            "id", "article_id", "start", "end", "text", "kind", "actor_id", "origin", "decision", "decided_by_id",
            "decided_at")),
        "topics": list(ArticleTopic.objects.filter(decided, article_id__in=article_ids).order_by("id").values(
            "id", "article_id", "topic_id", "origin", "decision", "decided_by_id", "decided_at")),
        "quotes": list(Quote.objects.filter(decided, article_id__in=article_ids).order_by("id").values(
            "id", "article_id", "start", "end", "speaker_id", "origin", "decision", "decided_by_id", "decided_at")),
    }


def test_workers_restarted_with_a_new_pipeline_reannotate_nothing_an_editor_decided(seeded, broker, workers):
    from django.core.management import call_command

    from articles.services import annotation, review
    from articles.services.ingest import article_create

    editor = make_user("editor", "editor")
    texts = article_texts(3, paragraphs=6)
    ids = [article_create(body=text, title=f"Dépêche {i}", enqueue=False).article.id for i, text in enumerate(texts)]
    annotation.articles_annotate(article_ids=ids)  # what the previous version's workers did
    decided_id, other_id, current_id = ids
    article = Article.objects.get(id=decided_id)
    assert article.status == "annotated"

    def version():
        return Article.objects.get(id=decided_id).version

    first, second, third, *_ = Mention.objects.filter(article_id=decided_id).order_by("start")
    review.mention_decide(mention=first, user=editor, decision=Decision.ACCEPTED, expected_version=version())
    review.mention_decide(mention=second, user=editor, decision=Decision.REJECTED, expected_version=version())
    third.refresh_from_db()
    kind = "event" if third.kind != "event" else "other"
    review.mention_relabel(mention=Mention.objects.get(id=third.id), user=editor, kind=kind, expected_version=version())
    start = article.body.index("coopération")
    review.mention_create(article=article, user=editor, start=start, end=start + len("coopération"), kind="other",
                          expected_version=version())
    topics = list(ArticleTopic.objects.filter(article_id=decided_id).order_by("id"))
    assert len(topics) >= 2, "the article has topics to decide on"
    review.topic_decide(article_topic=topics[0], user=editor, decision=Decision.ACCEPTED, expected_version=version())
    review.topic_decide(article_topic=topics[1], user=editor, decision=Decision.REJECTED, expected_version=version())
    quote = Quote.objects.filter(article_id=decided_id).first()
    assert quote is not None
    review.quote_decide(quote=quote, user=editor, decision=Decision.REJECTED, expected_version=version())
    before = editor_rows(ids)
    assert len(before["mentions"]) == 4 and len(before["topics"]) == 2 and len(before["quotes"]) == 1

    # The upgrade: what is stored came from an older pipeline.
    old = "1+fr_core_news_md-3.7.0"
    Article.objects.filter(id__in=[decided_id, other_id]).update(pipeline_version=old)
    for model in (Mention, ArticleTopic, Quote):
        model.objects.filter(article_id__in=[decided_id, other_id]).update(pipeline_version=old)
    current_annotated_at = Article.objects.get(id=current_id).annotated_at

    worker = workers()
    call_command("reannotate", "--outdated")
    assert statuses([decided_id, other_id]) == {"queued": 2}
    wait_annotated(ids, worker=worker, timeout=300)

    new = annotation.get_annotator().version()
    assert set(Article.objects.filter(id__in=ids).values_list("pipeline_version", flat=True)) == {new}
    assert Article.objects.get(id=current_id).annotated_at == current_annotated_at, (
        "an up-to-date article is left alone"
    )
    assert editor_rows(ids) == before, "every decision survives, unchanged"
    for model in (Mention, ArticleTopic, Quote):
        pending = model.objects.filter(article_id__in=ids, decision=Decision.PENDING).exclude(origin=Origin.EDITOR)
        assert set(pending.values_list("pipeline_version", flat=True)) == {new}, (
            f"{model.__name__} suggestions refreshed"
        )
    assert Mention.objects.filter(article_id=decided_id, start=second.start, end=second.end).count() == 1
    assert not duplicates(Mention, "article_id", "start", "end")
    assert not duplicates(ArticleTopic, "article_id", "topic_id")
    assert not duplicates(Quote, "article_id", "start", "end")


# --- 5. an article too slow for its time limit ----------------------------------------------------


def test_an_article_over_the_time_limit_fails_with_its_reason_and_the_next_one_is_annotated(seeded, broker, workers,
                                                                                           settings):
    from articles.services.ingest import article_create

    limit = 3
    worker = workers({"ANNOTATION_TIME_LIMIT": str(limit)})
    wait_ready(worker)
    body = "\n\n".join(article_texts(400, paragraphs=5))[: settings.MAX_ARTICLE_CHARS]
    assert len(body) > 500_000, "far more text than a worker annotates within the limit"
    slow = article_create(body=body, title="Trop long").article
    after = article_create(body=article_texts(1, paragraphs=2)[0], title="Suivant").article
    started = time.monotonic()
    slow, after = wait_annotated([slow.id, after.id], worker=worker, timeout=300)

    assert slow.status == "failed" and f"time limit ({limit} s)" in slow.last_error, slow.last_error
    assert slow.attempts == 1
    assert not Mention.objects.filter(article=slow).exists()
    assert after.status == "annotated", after.last_error
    assert time.monotonic() - started < 120
