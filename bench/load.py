"""Review actions under load: 20 editors reviewing while a 2,000-article import runs, against the
same editors with nothing else running, in one run.

The whole production stack on loopback, each part a real process started here and stopped at the
end: gunicorn as the Procfile runs it (2 workers of 2 threads; --web-workers, --web-threads), the
``annotate`` worker and the ``bulk,export`` worker (concurrency 2 each, as in the Procfile), on a
throwaway PostgreSQL database (``bench_load``, created and dropped here) and Redis db 12 (flushed
at the start and at the end).

Setup: migrations (roles and topics), --editors editor accounts and an admin, and a pool of
articles pasted through the ingest service and annotated by the real ``annotate`` worker; the
review pool is those with mentions and topics. A 20-row import through the admin's import page
warms the bulk worker and checks that path end to end before anything is timed.

Each editor is an HTTP session logged in through the login form (CSRF and session cookies as a
browser keeps them) that runs, round after round, on an article of the pool:

    review page      GET  /articles/<id>
    mention panel    GET  /articles/<id>?mention=<m>        (htmx, target #mention-panel: a click on a mention)
    mention decide   POST /articles/<id>/mentions/<m>/decide (htmx, X-CSRFToken, the version the page gave)
    topic decide     POST /articles/<id>/topics/<t>/decide
    mark reviewed    POST /articles/<id>/reviewed
    status poll      GET  /                                  (htmx, target #article-rows: the queue's polling)
    article list     GET  /

with a random pause between actions (uniform, mean --think seconds: a person reading; --think 0
makes a stress test of it, each editor sending its next request as soon as the last one returned). Editors
start on different articles; when two of them meet on one, the second gets 409 (someone else
changed it), which the page handles and this script counts apart: it is not an error. Every other
non-2xx answer, every timeout or connection error and every 2xx answer without the expected
fragment is an error.

Phase 1, no load: --rounds rounds per editor, nothing else running.
Phase 2, load: the admin uploads --import-articles generated articles (the corpus recombined by
bench/bulk_import.py's generator; none duplicates the pool) through the import page, polls its
progress every second as that page does, and the editors run the same script while the rows are
inserted and the bulk worker annotates them: at least --rounds rounds, then on while the import
runs, up to --load-seconds. --timeout bounds the whole run.

Printed: per action and overall, count, p50, p95, max, 409s and errors for both phases, as the
editors' clients see them and as gunicorn timed them (its access log, matched by a request id
header: the difference is the wait for a free gunicorn worker); the ratio of p50 and p95 under load
to no load; how far the import got during phase 2 and the same figures for the requests sent while
its rows were inserted and while they were annotated; the CPU each process used per phase, and the
load average (this machine is shared: other programs' load shows in every figure). Exits 1 on any
error, if a process died or if the import failed.

    .venv/bin/python bench/load.py [--editors 20] [--rounds 3] [--load-seconds 150] [--think 3]
        [--import-articles 2000] [--web-workers 2] [--web-threads 2] [--timeout 600] [--keep-logs]
"""

import argparse
import itertools
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
sys.path.insert(0, str(REPO))

DATABASE = "bench_load"
VAR_DIR = Path("/tmp/pr-load")
PASSWORD = "load-bench-only"
ACTIONS = ["review page", "mention panel", "mention decide", "topic decide", "mark reviewed", "status poll",
           "article list"]
FINISHED = ("annotated", "failed", "unsupported")
WARM_ROWS = 20

CSRF_HEADER = re.compile(r"""hx-headers='\{"x-csrftoken": "([^"]+)"\}'""")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'id="article-version" name="version" value="(\d+)"')
MENTION = re.compile(r'<a id="m-(\d+)"')
TOPIC_FORM = re.compile(r'<form[^>]*action="(/articles/\d+/topics/\d+/decide)"(.*?)</form>', re.DOTALL)
DECISION = re.compile(r'name="decision" value="(accepted|rejected)"')


class Stop(Exception):
    """The run must end now (hard timeout, SIGTERM)."""


@dataclass
class Record:
    phase: str
    action: str
    sent: float  # epoch seconds
    seconds: float  # as the editor sees it: connecting, waiting for a free gunicorn worker, the answer
    status: int  # 0: no answer
    error: str
    request_id: str
    server_ms: float | None = None  # gunicorn's own measure, from its access log
    retried: bool = False  # a GET sent again after its kept-alive connection was reset (see Session.call)


REQUEST_IDS = itertools.count(1)


# ---- processes -----------------------------------------------------------------------------------


class Stack:
    """The processes, database and Redis db of one run; ``close`` undoes everything, once."""

    def __init__(self, args, env: dict, logs: Path):
        self.args, self.env, self.logs = args, env, logs
        self.processes: dict[str, subprocess.Popen] = {}
        self.database_created = False
        self.closed = False

    def start(self, name: str, command: list[str]):
        with open(self.logs / f"{name}.log", "ab") as log:
            self.processes[name] = subprocess.Popen(command, cwd=REPO, env=self.env, stdout=log,
                                                    stderr=subprocess.STDOUT, start_new_session=True)

    def cpu(self) -> dict[str, float]:
        """CPU seconds used so far by each process and its children (Linux /proc)."""
        from bench.bulk_import import process_tree_cpu

        used = {}
        for name, process in self.processes.items():
            for _ in range(3):  # a child can end between listing and reading
                try:
                    used[name] = process_tree_cpu(process.pid)
                    break
                except (OSError, ValueError, IndexError):
                    used[name] = float("nan")
        return used

    def dead(self) -> list[str]:
        return [name for name, process in self.processes.items() if process.poll() is not None]

    def stop_processes(self):
        for process in self.processes.values():
            if process.poll() is None:
                _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 10  # a warm shutdown waits for a batch in progress: not here
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            # The group: a gunicorn or celery child left behind by its parent goes too.
            _signal_group(process, signal.SIGKILL)
            process.wait()

    def close(self):
        if self.closed:
            return
        self.closed = True
        steps = [self.stop_processes, _close_connections, lambda: _redis(self.args.redis).flushdb()]
        if self.database_created:
            steps.append(lambda: _pg(self.args.postgres, "dropdb", "--if-exists", "--force", DATABASE))
        steps.append(lambda: shutil.rmtree(VAR_DIR, ignore_errors=True))
        for step in steps:
            try:
                step()
            except Exception as exc:  # noqa: BLE001 - clean up the rest all the same
                print(f"cleanup: {type(exc).__name__}: {exc}", file=sys.stderr)

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.logs / f"{name}.log"
        text = path.read_text(errors="replace").splitlines() if path.exists() else []
        return "\n".join(text[-lines:])


def _signal_group(process, sig):
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def _close_connections():
    from django.db import connections

    connections.close_all()


def _pg(server: str, command: str, *arguments: str):
    parts = urlsplit(server)
    options = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]
    env = {**os.environ, **({"PGPASSWORD": parts.password} if parts.password else {})}
    subprocess.run([command, *options, *arguments], check=True, env=env, capture_output=True, timeout=60)


def _redis(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=5)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, stack: Stack, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stack.dead():
            raise SystemExit(f"{', '.join(stack.dead())} stopped while waiting for {what}:\n"
                             + "\n".join(stack.tail(name) for name in stack.dead()))
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}")


# ---- HTTP sessions -------------------------------------------------------------------------------


class Session:
    """One person in a browser: cookies, the CSRF token the last page gave, timed requests."""

    def __init__(self, base: str, username: str, timeout: float):
        import requests

        self.http = requests.Session()
        self.base, self.username, self.timeout = base, username, timeout
        self.csrf = ""
        self.records: list[Record] = []
        self.phase = "warm-up"

    def login(self):
        page = self.http.get(self.base + "/accounts/login/", timeout=self.timeout)
        token = CSRF_INPUT.search(page.text).group(1)
        answer = self.http.post(self.base + "/accounts/login/", timeout=self.timeout, allow_redirects=False,
                                data={"csrfmiddlewaretoken": token, "username": self.username, "password": PASSWORD,
                                      "next": "/"})
        if answer.status_code != 302 or "sessionid" not in self.http.cookies:
            raise SystemExit(f"{self.username} could not log in: {answer.status_code}")

    def call(self, action: str, method: str, path: str, *, target: str = "", data: dict | None = None,
             files: dict | None = None, expect: str = "", page: str = "/", ok=(200,)):
        """Send one request as the page would; returns the response, or None after an exception.

        An answer whose status is not in ``ok`` (409 aside: counted apart), or without ``expect`` in
        its text, is recorded as an error."""
        import requests

        request_id = str(next(REQUEST_IDS))
        headers = {"X-Load-Request": request_id}  # written in gunicorn's access log with its own timing
        if target:
            headers |= {"HX-Request": "true", "HX-Target": target, "HX-Current-URL": self.base + page}
        if method == "POST" and self.csrf:
            headers["X-CSRFToken"] = self.csrf
        sent, clock = time.time(), time.perf_counter()
        retried = False
        while True:
            try:
                response = self.http.request(method, self.base + path, headers=headers, data=data, files=files,
                                             timeout=self.timeout, allow_redirects=False)
                break
            except requests.ConnectionError as exc:
                # With threads, gunicorn keeps connections alive and closes an idle one after --keep-alive
                # seconds: a request sent on it at that moment is reset unread. A browser sends such a GET
                # again on a new connection; so does this script, once, and counts it (Record.retried).
                if method == "GET" and not retried and "Connection aborted" in str(exc):
                    retried = True
                    continue
                error = exc
            except requests.RequestException as exc:  # a timeout: an error
                error = exc
            self.records.append(Record(self.phase, action, sent, time.perf_counter() - clock, 0,
                                       f"{type(error).__name__}: {error}"[:200], request_id, retried=retried))
            return None
        elapsed = time.perf_counter() - clock
        error = ""
        if response.status_code == 409 and method == "POST":
            pass  # someone else changed the article: the page shows their changes; expected, counted apart
        elif response.status_code not in ok:
            error = f"HTTP {response.status_code}"
        elif expect and expect not in response.text:
            error = f"HTTP {response.status_code} without {expect}"
        self.records.append(Record(self.phase, action, sent, elapsed, response.status_code, error, request_id,
                                   retried=retried))
        found = CSRF_HEADER.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response


class Editor(Session):
    def __init__(self, base, username, timeout, *, pool: list[int], offset: int, think: float, seed: int):
        super().__init__(base, username, timeout)
        self.pool, self.offset, self.think = pool, offset, think
        self.rng = random.Random(seed)
        self.rounds = 0

    def pause(self, stop: threading.Event):
        if self.think and stop.wait(self.rng.uniform(0, 2 * self.think)):
            raise Stop

    def review_round(self, stop: threading.Event):
        """One pass of the review script on the next article of this editor's rotation."""
        # Half the pool further on each round: editors meet on an article only when their paces differ.
        article = self.pool[(self.offset + self.rounds * (len(self.pool) // 2)) % len(self.pool)]
        self.rounds += 1
        url = f"/articles/{article}"
        page = self.call("review page", "GET", url, expect='id="workspace"')
        if page is None or page.status_code != 200:
            return
        version = _version(page.text)
        mentions = sorted(set(MENTION.findall(page.text)))
        topics = [(action, DECISION.findall(buttons)) for action, buttons in TOPIC_FORM.findall(page.text)]
        self.pause(stop)

        if mentions:
            mention = self.rng.choice(mentions)
            self.call("mention panel", "GET", f"{url}?mention={mention}", target="mention-panel", page=url,
                      expect='id="mention-panel"')
            self.pause(stop)
            answer = self.call("mention decide", "POST", f"{url}/mentions/{mention}/decide", target="workspace",
                               page=url, expect='id="workspace"',
                               data={"version": version, "decision": self.rng.choice(["accepted", "rejected"]),
                                     "forget": ""})
            version = _version(answer.text if answer is not None else "", version)
            self.pause(stop)
        if topics:
            action, decisions = self.rng.choice(topics)
            answer = self.call("topic decide", "POST", action, target="workspace", page=url, expect='id="workspace"',
                               data={"version": version, "decision": self.rng.choice(decisions or ["accepted"])})
            version = _version(answer.text if answer is not None else "", version)
            self.pause(stop)
        self.call("mark reviewed", "POST", f"{url}/reviewed", target="workspace", page=url, expect='id="workspace"',
                  data={"version": version})
        self.pause(stop)
        # 286 (stop polling) once nothing on the queue's first page is waiting for annotation.
        self.call("status poll", "GET", "/", target="article-rows", expect='id="article-rows"', ok=(200, 286))
        self.pause(stop)
        self.call("article list", "GET", "/", expect='id="queue-results"')
        self.pause(stop)


def _version(html: str, default: str = "") -> str:
    found = VERSION.search(html)
    return found.group(1) if found else default


def run_editors(editors: list[Editor], phase: str, keep_going, stop: threading.Event):
    """Every editor in its own thread, round after round while ``keep_going(editor)`` says so."""
    failures = []

    def loop(editor: Editor):
        editor.phase = phase
        try:
            while not stop.is_set() and keep_going(editor):
                editor.review_round(stop)
        except Stop:
            pass
        except Exception as exc:  # noqa: BLE001 - a bug here, not in the server: stop the run rather than count it
            failures.append(f"{editor.username}: {type(exc).__name__}: {exc}")
            stop.set()

    threads = [threading.Thread(target=loop, args=(editor,), daemon=True) for editor in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(0.5)  # short joins: the main thread stays interruptible (Ctrl-C, timeout)
    if failures:
        raise SystemExit("editor script failed: " + "; ".join(failures))


# ---- the import ----------------------------------------------------------------------------------


def upload(admin: Session, path: Path, action_name: str) -> int:
    """The admin's import page: the form, then the file with "Import" (no dry run); returns the batch id."""
    form = admin.call(f"{action_name} form", "GET", "/admin/imports/importbatch/import/", expect="csrfmiddlewaretoken")
    found = CSRF_INPUT.search(form.text) if form is not None else None
    if not found:
        raise SystemExit(f"the import page did not open: {form.status_code if form is not None else 'no answer'}")
    token = found.group(1)
    with path.open("rb") as handle:
        answer = admin.call(action_name, "POST", "/admin/imports/importbatch/import/",
                            files={"file": (path.name, handle, "text/csv")},
                            data={"csrfmiddlewaretoken": token, "action": "import", "format": "auto",
                                  "delimiter": "auto", "encoding": "auto"}, ok=(302,))
    location = answer.headers.get("Location", "") if answer is not None else ""
    found = re.search(r"/admin/imports/importbatch/(\d+)/change/", location)
    if not found:
        status = answer.status_code if answer is not None else "no answer"
        raise SystemExit(f"the import page did not accept the file: {status}")
    return int(found.group(1))


def batch_progress(batch_id: int) -> dict:
    from imports.models import ImportBatch

    batch = ImportBatch.objects.get(id=batch_id)
    annotated, failed = batch.annotation_counts()
    return {"at": time.time(), "status": batch.status, "created": batch.created, "annotated": annotated,
            "failed": failed, "started_at": batch.started_at, "inserted_at": batch.inserted_at,
            "error": batch.error}


class Watcher(threading.Thread):
    """The admin's progress page, polled every second as it does, and the batch's numbers from the database."""

    def __init__(self, admin: Session, batch_id: int, stop: threading.Event):
        super().__init__(daemon=True)
        self.admin, self.batch_id, self.stop = admin, batch_id, stop
        self.samples: list[dict] = []
        self.halt = threading.Event()

    def run(self):
        from django.db import connection

        try:
            while not (self.halt.is_set() or self.stop.is_set()):
                self.admin.call("import progress poll", "GET", f"/admin/imports/importbatch/{self.batch_id}/change/",
                                target="import-progress", expect='id="import-progress"', ok=(200, 286))
                self.samples.append(batch_progress(self.batch_id))
                self.halt.wait(1.0)
        finally:
            connection.close()

    def running(self) -> bool:
        return not self.samples or self.samples[-1]["status"] in ("queued", "importing", "annotating")


# ---- setup ---------------------------------------------------------------------------------------


def seed_database(args) -> dict:
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from articles.services.accounts import roles_ensure
    from articles.services.taxonomy import topics_seed

    call_command("migrate", verbosity=0)
    roles_ensure()
    topics_seed()
    editor_group = Group.objects.get(name="editor")
    editors = []
    for i in range(args.editors):
        user = User.objects.create_user(username=f"editor{i + 1:02d}", password=PASSWORD)
        user.groups.add(editor_group)
        editors.append(user.username)
    User.objects.create_superuser(username="load-admin", password=PASSWORD, email="")
    return {"editors": editors, "admin": "load-admin"}


def create_pool(rows: list[dict]) -> list[int]:
    """Paste each row through the ingest service: the ``annotate`` worker gets them one by one."""
    from django.contrib.auth.models import User
    from django.utils.dateparse import parse_datetime

    from articles.services.ingest import article_create

    admin = User.objects.get(username="load-admin")
    ids = []
    for row in rows:
        result = article_create(body=row["body"], title=row["title"], source_name=row["source"], url=row["url"],
                                published_at=parse_datetime(row["published_at"]), language=row["language"],
                                created_by=admin)
        ids.append(result.article.id)
    return ids


def review_pool(ids: list[int]) -> tuple[list[int], dict]:
    """The annotated articles with mentions and topics to act on, and what they hold."""
    from django.db.models import Count

    from articles.models import Article

    rows = (Article.objects.filter(id__in=ids, status="annotated")
            .annotate(n_mentions=Count("mentions", distinct=True), n_topics=Count("topics", distinct=True))
            .filter(n_mentions__gt=0, n_topics__gt=0).order_by("id").values_list("id", "n_mentions", "n_topics"))
    rows = list(rows)
    mentions = sorted(n for _, n, _ in rows)
    summary = {"articles": len(rows), "mentions_median": mentions[len(mentions) // 2] if rows else 0,
               "mentions_max": mentions[-1] if rows else 0, "topics": sum(t for _, _, t in rows)}
    return [article_id for article_id, _, _ in rows], summary


# ---- report --------------------------------------------------------------------------------------


def server_times(access_log: Path, records: list[Record]):
    """Fill in each record's time in gunicorn, matched by the request id the access log repeats."""
    by_id = {}
    for line in access_log.read_text(errors="replace").splitlines():
        request_id, _, milliseconds = line.rpartition(" ")
        request_id = request_id.split(" ", 1)[0]
        if request_id.isdigit() and milliseconds.isdigit():
            by_id[request_id] = float(milliseconds)
    for record in records:
        record.server_ms = by_id.get(record.request_id)


def summarise(records: list[Record]) -> dict:
    from bench.review_page import percentile

    answered = [r for r in records if not r.error]
    times = [r.seconds * 1000 for r in answered]
    server = [r.server_ms for r in answered if r.server_ms is not None]
    nan = float("nan")
    return {
        "count": len(records),
        "p50": percentile(times, 50) if times else nan,
        "p95": percentile(times, 95) if times else nan,
        "max": max(times) if times else nan,
        "server p50": percentile(server, 50) if server else nan,
        "server p95": percentile(server, 95) if server else nan,
        "conflicts": sum(1 for r in records if r.status == 409),
        "errors": sum(1 for r in records if r.error),
    }


def print_table(title: str, groups: dict[str, list[Record]]):
    print(title)
    print(f"  {'action':<22}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'server p50':>12}{'server p95':>12}"
          f"{'409s':>6}{'errors':>8}")
    for name, records in groups.items():
        s = summarise(records)
        print(f"  {name:<22}{s['count']:>7}{s['p50']:>9.0f}{s['p95']:>9.0f}{s['max']:>9.0f}{s['server p50']:>12.0f}"
              f"{s['server p95']:>12.0f}{s['conflicts']:>6}{s['errors']:>8}")


def cpu_text(before: dict, after: dict, seconds: float) -> str:
    used = {name: after[name] - before[name] for name in before}
    return "CPU used: " + ", ".join(f"{name} {cpu:.0f} s ({cpu / seconds:.2f} cores)" for name, cpu in used.items())


def loadavg() -> str:
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def report(args, calm: list[Record], loaded: list[Record], admin: list[Record], samples: list[dict],
           phase: tuple[float, float]):
    groups = {name: {a: [r for r in records if r.action == a] for a in ACTIONS} | {"all actions": records}
              for name, records in (("calm", calm), ("load", loaded))}
    print()
    print_table(f"phase 1, no load ({args.editors} editors, {args.rounds} rounds each):", groups["calm"])
    print()
    print_table(f"phase 2, while the import runs ({args.editors} editors):", groups["load"])
    last = samples[-1]
    started, inserted = last["started_at"], last["inserted_at"]
    windows = {}
    if started:
        end = inserted.timestamp() if inserted else phase[1]
        windows["while inserting rows"] = [r for r in loaded if started.timestamp() <= r.sent <= end]
    if inserted:
        windows["while annotating"] = [r for r in loaded if r.sent >= inserted.timestamp()]
    if windows:
        print_table("  the same requests, by what the import was doing when they were sent:", windows)
    print()
    print("ratio load / no load      p50     p95   server p50  server p95")
    for name in groups["calm"]:
        a, b = summarise(groups["calm"][name]), summarise(groups["load"][name])
        if a["count"] > a["errors"] and b["count"] > b["errors"]:
            print(f"  {name:<22}{b['p50'] / a['p50']:>6.2f}{b['p95'] / a['p95']:>8.2f}"
                  f"{b['server p50'] / a['server p50']:>13.2f}{b['server p95'] / a['server p95']:>12.2f}")
    print("  (ms: as the editor's client sees it, from sending to the last byte; server: gunicorn's own time for")
    print("   the request, from its access log: the difference is mostly the wait for a free gunicorn worker)")
    polls = {name: groups[name]["status poll"] for name in groups}
    print("status poll answers: " + "; ".join(
        f"{'no load' if name == 'calm' else 'load'}: {sum(r.status == 286 for r in records)} × 286 (polling stops), "
        f"{sum(r.status == 200 for r in records)} × 200 (the page polls again in 2 s)"
        for name, records in polls.items()))
    retried = {name: sum(r.retried for r in records["all actions"]) for name, records in groups.items()}
    if any(retried.values()):
        print(f"GET requests sent again after gunicorn reset their kept-alive connection: {retried['calm']} with no "
              f"load, {retried['load']} under load (their time includes both attempts)")
    print()
    print_table("admin, polling the import's progress page every second (not in the editors' figures):",
                {name: [r for r in admin if r.action == name] for name in sorted({r.action for r in admin})})
    print()
    if not started:
        print(f"import during phase 2: never started (status {last['status']}; {last['error']})")
        return
    at_end = max((s for s in samples if s["at"] <= phase[1]), key=lambda s: s["at"], default=last)
    insert = f"took {(inserted - started).total_seconds():.1f} s" if inserted else "not finished"
    offset = started.timestamp() - phase[0]
    print(f"import during phase 2 ({phase[1] - phase[0]:.0f} s of editors): {at_end['created']:,} of "
          f"{args.import_articles:,} rows created (the worker started it {offset:.1f} s into the phase; the insert "
          f"{insert}); {at_end['annotated']:,} annotated by the bulk worker by the end of the phase "
          f"({at_end['failed']} failed or unsupported, {100 * at_end['annotated'] / max(args.import_articles, 1):.0f} %"
          f" of the import); batch {at_end['status']}")
    if inserted and at_end["annotated"]:
        minutes = (phase[1] - inserted.timestamp()) / 60
        print(f"  annotation rate while the editors worked: {at_end['annotated'] / minutes:.0f} articles/min")
    if last["error"]:
        print(f"  batch error: {last['error']}")


# ---- main ----------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="rounds per editor in phase 1, and at least in phase 2")
    parser.add_argument("--load-seconds", type=float, default=150,
                        help="phase 2 goes on while the import runs, up to this long")
    parser.add_argument("--think", type=float, default=3.0,
                        help="mean pause between two actions of an editor (s): reading, choosing")
    parser.add_argument("--import-articles", type=int, default=2000)
    parser.add_argument("--pool", type=int, default=48, help="articles pasted and annotated for the editors to review")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers (Procfile: WEB_CONCURRENCY, 2)")
    parser.add_argument("--web-threads", type=int, default=2, help="threads per worker (Procfile: WEB_THREADS, 2)")
    parser.add_argument("--worker-concurrency", type=int, default=2, help="annotate worker (Procfile: 2)")
    parser.add_argument("--bulk-concurrency", type=int, default=2, help="bulk worker (Procfile: 2)")
    parser.add_argument("--request-timeout", type=float, default=60)
    parser.add_argument("--timeout", type=float, default=600, help="hard limit for the whole run (s)")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432",
                        help=f"server where the {DATABASE!r} database is created and dropped")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12", help="a Redis db of its own: it is flushed")
    parser.add_argument("--keep-logs", action="store_true", help="keep the servers' logs (kept anyway on errors)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    if not CORPUS.exists():
        print(f"skipped: {CORPUS} not found (the shared corpus sits beside the repository)")
        return 0
    import redis

    try:
        _pg(args.postgres, "pg_isready")
        _redis(args.redis).ping()
    except (subprocess.SubprocessError, OSError, redis.RedisError) as exc:
        print(f"skipped: PostgreSQL at {args.postgres} or Redis at {args.redis} is not reachable ({exc})")
        return 0

    database_url = f"{args.postgres.rstrip('/')}/{DATABASE}"
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": args.redis, "PRESSREVIEW_VAR_DIR": str(VAR_DIR),
           "DEBUG": "false", "DJANGO_SETTINGS_MODULE": "pressreview.settings", "PYTHONUNBUFFERED": "1"}
    env.pop("PRESSREVIEW_ENV", None)  # production mode forces HTTPS: plain HTTP on loopback here
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "PRESSREVIEW_VAR_DIR", "DEBUG",
                                           "DJANGO_SETTINGS_MODULE")})
    logs = Path(tempfile.mkdtemp(prefix="pr-load-logs-"))
    stack = Stack(args, env, logs)

    def hard_stop(signum, frame):
        raise Stop("hard timeout" if signum == signal.SIGALRM else f"signal {signum}")

    signal.signal(signal.SIGTERM, hard_stop)
    signal.signal(signal.SIGALRM, hard_stop)
    # Ctrl-C cleans up too, even where the shell started this with SIGINT ignored (a background job).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.alarm(int(args.timeout))
    code = 1
    try:
        code = run(args, stack, logs)
    except (Stop, KeyboardInterrupt) as exc:
        print(f"\nstopped: {str(exc) or 'interrupted'}", file=sys.stderr)
        code = 130
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.close()
        if code == 0 and not args.keep_logs:
            shutil.rmtree(logs, ignore_errors=True)
        else:
            print(f"logs of gunicorn and the workers: {logs}")
    return code


def run(args, stack: Stack, logs: Path) -> int:
    clock = time.monotonic()
    print(f"load test: {args.editors} editors, {args.import_articles:,}-article import; gunicorn {args.web_workers} "
          f"workers × {args.web_threads} threads, annotate worker ×{args.worker_concurrency}, bulk worker "
          f"×{args.bulk_concurrency}; PostgreSQL {DATABASE}, Redis {args.redis}; think time {args.think:g} s; "
          f"{os.cpu_count()} cores, load average at the start {loadavg()}")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _redis(args.redis).flushdb()
    _pg(args.postgres, "dropdb", "--if-exists", "--force", DATABASE)  # left over by a run that was killed
    _pg(args.postgres, "createdb", DATABASE)
    stack.database_created = True

    # The Procfile's processes, started first: they load spaCy while the database is migrated.
    python = sys.executable
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    for name, queues, concurrency in (("annotate-worker", "annotate", args.worker_concurrency),
                                      ("bulk-worker", "bulk,export", args.bulk_concurrency)):
        stack.start(name, [python, "-m", "celery", "-A", "pressreview", "worker", "-Q", queues, "--concurrency",
                           str(concurrency), "--loglevel", "INFO", "-n", f"{name}-{os.getpid()}@%h"])
    stack.start("gunicorn", [python, "-m", "gunicorn", "pressreview.wsgi", "--bind", f"127.0.0.1:{port}",
                             "--workers", str(args.web_workers), "--threads", str(args.web_threads),
                             "--timeout", "120", "--access-logfile", str(logs / "access.log"),
                             "--access-logformat", "%({x-load-request}i)s %(r)s %(s)s %(M)s"])

    import django

    django.setup()
    from django.db import connection

    from articles.models import Article
    from bench.bulk_import import build_rows, write_csv

    steps = {}
    accounts = seed_database(args)
    steps["migrate"] = time.monotonic()
    rows = build_rows(args.pool + WARM_ROWS + args.import_articles, seed=args.seed)
    pool_rows, warm_rows = rows[:args.pool], rows[args.pool:args.pool + WARM_ROWS]
    warm_path, import_path = VAR_DIR / "warm-up.csv", VAR_DIR / "import.csv"
    write_csv(warm_rows, warm_path)
    write_csv(rows[args.pool + WARM_ROWS:], import_path)
    steps["articles generated"] = time.monotonic()
    pasted = create_pool(pool_rows)
    wait_for(lambda: Article.objects.filter(id__in=pasted, status__in=FINISHED).count() == len(pasted), 300,
             "the annotate worker to annotate the pool", stack)
    pool, held = review_pool(pasted)
    if len(pool) < 2:
        raise SystemExit(f"only {len(pool)} annotated articles with mentions and topics: nothing to review")
    steps["pool annotated"] = time.monotonic()
    wait_for(lambda: _get_ok(base + "/accounts/login/"), 60, "gunicorn", stack)

    admin = Session(base, accounts["admin"], args.request_timeout)
    admin.login()
    warm_batch = upload(admin, warm_path, "warm-up import upload")
    wait_for(lambda: batch_progress(warm_batch)["status"] in ("done", "failed", "cancelled"), 300,
             "the warm-up import", stack)
    warm = batch_progress(warm_batch)
    if warm["status"] != "done" or warm["created"] != len(warm_rows):
        raise SystemExit(f"the warm-up import ended {warm['status']} with {warm['created']} rows: {warm['error']}")
    steps["warm-up import"] = time.monotonic()

    editors = [Editor(base, name, args.request_timeout, pool=pool, offset=i, think=args.think,
                      seed=args.seed * 1000 + i) for i, name in enumerate(accounts["editors"])]
    for editor in editors:
        editor.login()
    stop = threading.Event()
    # Untimed, without pauses: a round by a few editors at once reaches every gunicorn worker, which
    # loads its templates and opens its caches before the clock starts.
    warmers = editors[:2 * args.web_workers]
    for editor in warmers:
        editor.think, think = 0, editor.think
    run_editors(warmers, "warm-up", lambda e: e.rounds < 1, stop)
    for editor in warmers:
        editor.think = think
    steps["warm-up"] = time.monotonic()
    print(f"setup {steps['warm-up'] - clock:.0f} s (" + ", ".join(
        f"{name} {at - before:.0f} s"
        for (name, at), before in zip(steps.items(), [clock, *steps.values()], strict=False))
        + f"): {len(pasted)} articles pasted and annotated, {len(pool)} with mentions and topics to review "
        f"(mentions per article: median {held['mentions_median']}, max {held['mentions_max']}; {held['topics']} "
        f"topics); warm-up import of {warm['created']} rows done; {len(editors)} editors logged in")

    # Phase 1: no load.
    for editor in editors:
        editor.rounds = 0
    started, cpu = time.time(), stack.cpu()
    run_editors(editors, "calm", lambda e: e.rounds < args.rounds, stop)
    print(f"phase 1 (no load): {time.time() - started:.0f} s; {cpu_text(cpu, stack.cpu(), time.time() - started)}; "
          f"load average at its end {loadavg()}")
    _check_alive(stack)

    # Phase 2: the same editors while the import runs.
    for editor in editors:
        editor.rounds = 0
    admin.phase = "load"
    holder: dict = {}

    def start_import():
        try:
            holder["batch"] = upload(admin, import_path, "import upload")
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - reported by the main thread
            holder["error"] = str(exc)
            return
        holder["watcher"] = Watcher(admin, holder["batch"], stop)
        holder["watcher"].start()

    def keep_going(editor):
        watcher = holder.get("watcher")
        import_running = "error" not in holder and (watcher is None or watcher.running())
        return editor.rounds < args.rounds or (import_running and time.monotonic() < deadline)

    phase_start, deadline, cpu = time.time(), time.monotonic() + args.load_seconds, stack.cpu()
    # The upload is sent as the editors start, from its own thread: the editors do not wait for it.
    uploader = threading.Thread(target=start_import, daemon=True)
    uploader.start()
    run_editors(editors, "load", keep_going, stop)
    phase_end, cpu_end = time.time(), stack.cpu()
    uploader.join(args.request_timeout)
    if "watcher" not in holder:
        raise SystemExit(f"the import was not started: {holder.get('error', 'no answer from the import page')}")
    watcher = holder["watcher"]
    watcher.halt.set()
    watcher.join(10)
    samples = [*watcher.samples, batch_progress(holder["batch"])]
    connection.close()
    print(f"phase 2 (import running): {phase_end - phase_start:.0f} s; "
          f"{cpu_text(cpu, cpu_end, phase_end - phase_start)}; load average at its end {loadavg()}")
    dead = stack.dead()

    records = [r for editor in editors for r in editor.records] + admin.records
    server_times(logs / "access.log", records)
    calm = [r for editor in editors for r in editor.records if r.phase == "calm"]
    loaded = [r for editor in editors for r in editor.records if r.phase == "load"]
    admin_records = [r for r in admin.records if r.phase == "load"]
    report(args, calm, loaded, admin_records, samples, (phase_start, phase_end))

    errors = [r for r in calm + loaded + admin_records if r.error]
    # What the editors cannot see but a worker crash or timeout would leave in gunicorn's log.
    server_errors = [line for line in (logs / "gunicorn.log").read_text(errors="replace").splitlines()
                     if re.search(r"WORKER TIMEOUT|Error handling request|exited with code|was sent SIG", line)]
    print()
    if server_errors:
        print(f"GUNICORN LOG: {len(server_errors)} worker errors, e.g. {server_errors[0]}")
    if errors:
        kinds: dict[str, int] = {}
        for r in errors:
            kinds[f"{r.action}: {r.error}"] = kinds.get(f"{r.action}: {r.error}", 0) + 1
        print(f"ERRORS: {len(errors)}")
        for text, n in sorted(kinds.items(), key=lambda item: -item[1]):
            print(f"  {n:>5} × {text}")
    if dead:
        print(f"STOPPED DURING THE RUN: {', '.join(dead)}")
    import_failed = samples[-1]["status"] in ("failed", "cancelled")
    if import_failed:
        print(f"THE IMPORT FAILED: {samples[-1]['error']}")
    print(f"target: no errors ({len(errors)}); run {time.monotonic() - clock:.0f} s; load average at the end "
          f"{loadavg()} on {os.cpu_count()} cores")
    return 1 if errors or server_errors or dead or import_failed else 0


def _get_ok(url: str) -> bool:
    import requests

    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


def _check_alive(stack: Stack):
    if stack.dead():
        raise SystemExit(f"{', '.join(stack.dead())} stopped:\n" + "\n".join(stack.tail(n) for n in stack.dead()))


if __name__ == "__main__":
    sys.exit(main())
