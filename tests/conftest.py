import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(autouse=True)
def _default_language():
    """A request in French leaves its language active in the test's thread (the locale
    middleware sets it for the thread): the next test starts in the default language."""
    yield
    from django.utils import translation

    translation.deactivate()


def corpus_file(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} is not here: the shared corpus sits beside the repository in development and CI")
    return path


@pytest.fixture
def seeded(transactional_db):
    """Roles and topics again: a transactional test's flush removes migration data."""
    from articles.services.accounts import roles_ensure
    from articles.services.taxonomy import topics_seed

    roles_ensure()
    topics_seed()
    yield
    # Articles this test stored may be in a running worker's hands (the session's worker
    # annotates whatever reaches its queues): the flush must not meet it mid-transaction.
    if any(worker.process.poll() is None for worker in _workers):
        _settle(pause=0, only_in_flight=True)


def make_user(username, role, password="pw-for-tests-only"):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username=username, password=password)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor(db):
    return make_user("editor", "editor")


@pytest.fixture
def viewer(db):
    return make_user("viewer", "viewer")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


def _database_url(settings_dict) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{auth}{settings_dict.get('HOST') or '127.0.0.1'}{port}/{settings_dict['NAME']}"


def _purge_broker():
    from django.conf import settings

    if settings.REDIS_URL:
        from pressreview.celery import app

        with app.connection_for_write() as conn:
            for queue in ("annotate", "bulk", "export", "sources", "mail"):
                conn.default_channel.queue_purge(queue)
    else:
        for folder in ("queue", "processed"):
            path = settings.BROKER_DIR / folder
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir(parents=True, exist_ok=True)


class Worker:
    """A real `celery worker` process on the test database and broker."""

    def __init__(self, database_url: str, log_path: Path, concurrency: int = 1, env: dict | None = None,
                 args: tuple = ()):
        self.database_url = database_url
        self.extra_env = env or {}
        self.extra_args = tuple(args)
        self.log_path = log_path
        self.concurrency = concurrency
        self.process = None

    def start(self):
        # Tests decide and annotate within seconds: the worker looks at topic decisions each time.
        # Feeds are served on 127.0.0.1 by the test itself: no turn to wait between two of its pages.
        env = {**os.environ, "DATABASE_URL": self.database_url, "PYTHONUNBUFFERED": "1", "TOPIC_LEARN_EVERY": "0",
               "FETCH_HOST_DELAY": "0", **self.extra_env}
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "pressreview", "worker", "-Q", "annotate,bulk,export,sources,mail",
             "--concurrency", str(self.concurrency), "--loglevel", "INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-n", f"test-{os.getpid()}@%h", *self.extra_args],
            cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()
        self.log.close()

    def kill(self):
        os.killpg(self.process.pid, 9)
        self.process.wait()
        self.log.close()

    def tail(self, lines=60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


_workers: list[Worker] = []  # every worker the session started


@pytest.fixture(scope="session")
def worker_factory(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start workers on the test database; every one is stopped at the end."""
    from django.db import connection

    with django_db_blocker.unblock():
        _purge_broker()
    database_url = _database_url(connection.settings_dict)
    started = _workers

    def start(concurrency=1, env=None, args=()):
        log_path = tmp_path_factory.mktemp("worker") / "worker.log"
        worker = Worker(database_url, log_path, concurrency, env, args)
        worker.start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.stop()


class SmtpSink:
    """A real SMTP server (aiosmtpd) on a free loopback port, keeping what it receives.

    ``refuse`` maps an address to the reply its RCPT gets (e.g. "550 5.1.1 No such user");
    a message to an address in ``hang`` is read but never answered (a server that stalls
    while the worker waits, to kill the worker mid-send). ``bounce_maildir`` is the Maildir a worker
    reads bounces from (the mail server of the bounce address would deliver there)."""

    def __init__(self, bounce_maildir: Path | None = None):
        import threading

        self.bounce_maildir = bounce_maildir
        self.messages = []
        self.refuse: dict[str, str] = {}
        self.hang: set[str] = set()
        self.hung = threading.Event()
        self.controller = None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        if self.hang & set(envelope.rcpt_tos):
            self.hung.set()
            await asyncio.sleep(3600)
        self.messages.append((list(envelope.rcpt_tos), envelope.content, envelope.mail_from))
        return "250 Message accepted for delivery"

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def clear(self):
        self.messages.clear()
        self.refuse.clear()
        self.hang.clear()
        self.hung.clear()

    def received(self) -> list:
        """The messages received, parsed (email.message.EmailMessage), in order."""
        from email import message_from_bytes
        from email.policy import default

        return [message_from_bytes(content, policy=default) for _rcpts, content, _sender in list(self.messages)]

    def senders(self) -> list[str]:
        """The envelope sender (MAIL FROM, the future Return-Path) of each message received, in order."""
        return [sender for _rcpts, _content, sender in list(self.messages)]

    def env(self) -> dict:
        """What a worker needs to send here, at once and without pauses."""
        bounces = {"BOUNCE_ADDRESS": "bounces@testserver", "BOUNCE_MAILDIR": str(self.bounce_maildir)
                   } if self.bounce_maildir else {}
        return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.port), "EMAIL_TIMEOUT": "60",
                "MAIL_RETRY_DELAY": "1", "MAIL_RATE_PER_MINUTE": "0", "SITE_URL": "http://testserver", **bounces}


@pytest.fixture(scope="session")
def _smtp_session(tmp_path_factory):
    import mailbox

    maildir = tmp_path_factory.mktemp("bounces") / "Maildir"
    mailbox.Maildir(str(maildir), create=True)
    sink = SmtpSink(bounce_maildir=maildir)
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp_server(_smtp_session):
    """The session's SMTP server, running and empty."""
    if _smtp_session.controller is None:
        _smtp_session.start()
    _smtp_session.clear()
    yield _smtp_session
    _smtp_session.clear()
    if _smtp_session.controller is None:
        _smtp_session.start()


@pytest.fixture(scope="session")
def _session_worker(worker_factory, _smtp_session):
    # The worker sends mail to the test suite's SMTP server.
    return worker_factory(env=_smtp_session.env())


@pytest.fixture
def worker(_session_worker, seeded):
    """The session's worker, for tests whose rows it must see (committed data).

    Afterwards it is given time to finish what the test set going (a story is
    assigned after each annotation): the flush that ends the test truncates
    every table, and would deadlock with a worker still writing.
    """
    assert _session_worker.process.poll() is None, "the worker died:\n" + _session_worker.tail()
    yield _session_worker
    _settle()


def _settle(timeout=20, pause=0.5, only_in_flight=False):
    """Wait until the worker has finished the articles in its hands. With ``only_in_flight``, only
    those it holds now (annotating, or annotated in the last seconds and waiting for their story):
    articles a test made "queued" or "annotated" by hand, which no worker will touch, do not count."""
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article
    from insights.models import ArticleCount

    def settled():
        waiting = [Article.Status.ANNOTATING] if only_in_flight else [Article.Status.QUEUED, Article.Status.ANNOTATING]
        busy = Article.objects.filter(status__in=waiting).exists()
        recent = Article.objects.filter(status=Article.Status.ANNOTATED,
                                        annotated_at__gte=timezone.now() - timedelta(seconds=30))
        unassigned = Article.objects.filter(status=Article.Status.ANNOTATED, story__isnull=True)
        if only_in_flight:
            unassigned = unassigned.filter(id__in=recent.values("id"))
        # After an annotation the worker also counts the article (insights) and matches it to the
        # watches once it has its story.
        uncounted = recent.exclude(id__in=ArticleCount.objects.values("article_id"))
        return not busy and not unassigned.exists() and not uncounted.exists()

    deadline = time.monotonic() + timeout
    waited = False
    while time.monotonic() < deadline and not settled():
        waited = True
        time.sleep(0.2)
    just_annotated = Article.objects.filter(annotated_at__gte=timezone.now() - timedelta(seconds=5)).exists()
    if waited or pause or just_annotated:
        time.sleep(max(pause, 0.5))  # the last transaction's commit, its on-commit sends, the watches' match


def wait_for(predicate, timeout=120, interval=0.2, worker=None, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    details = f"\nworker log:\n{worker.tail()}" if worker else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}{details}")


def wait_annotated(article_ids, worker=None, timeout=180):
    from articles.models import Article

    finished = ["annotated", "failed", "unsupported"]

    def done():
        return Article.objects.filter(id__in=article_ids, status__in=finished).count() == len(article_ids)

    wait_for(done, timeout=timeout, worker=worker, what=f"articles {list(article_ids)} to be annotated")
    return list(Article.objects.filter(id__in=article_ids).order_by("id"))


# Playwright's sync API runs an event loop in this thread; the test's own ORM
# calls are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make install-dev installs it from the distribution's packages)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20_000)
    from playwright.sync_api import expect

    # Waits go through locators and expect(), never wait_for_function: Playwright evaluates its
    # predicate string with eval(), which the pages' Content-Security-Policy refuses.
    expect.set_options(timeout=20_000)
    yield page
    context.close()


def log_in(page, live_server, username, password="pw-for-tests-only"):
    page.goto(live_server.url + "/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")


def _reset_broker_pools():
    # Forget the app's pools so the next task picks the broker URL again. Not
    # closed: kombu keeps one pool per URL for the whole process.
    from pressreview.celery import app

    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down(monkeypatch):
    """This process's tasks go to a broker nobody listens on (the real one stays up for the others)."""
    from pressreview.celery import app

    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    _reset_broker_pools()
    yield
    monkeypatch.undo()
    _reset_broker_pools()


@pytest.fixture
def feed_site():
    """A news site on 127.0.0.1 (tests/feedsite.py), stopped after the test."""
    from tests.feedsite import FeedSite

    site = FeedSite().start()
    yield site
    site.stop()
