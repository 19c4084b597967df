"""`manage.py serve` (what `make run` ends with): web server and worker together,
both stopped by one Ctrl-C."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import REPO, wait_for

pytestmark = pytest.mark.embedded


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children_of(pid: int) -> list[int]:
    result = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(line) for line in result.stdout.split()]


def test_serve_runs_web_and_worker_and_ctrl_c_stops_both(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["PRESSREVIEW_VAR_DIR"] = str(tmp_path)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, env=env, check=True)
    server = subprocess.Popen([sys.executable, "manage.py", "serve", "--port", str(port)], cwd=REPO, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        def login_page_answers():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False

        wait_for(login_page_answers, timeout=60, what="the web server")
        children = children_of(server.pid)
        assert len(children) == 2  # runserver and the celery worker
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        time.sleep(0.5)
        for pid in children:
            assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"
    finally:
        if server.poll() is None:
            server.kill()
    output = server.stdout.read().decode()
    assert f"http://127.0.0.1:{port}/" in output


@pytest.fixture
def dev_server(tmp_path):
    """The web server `serve` starts (`manage.py devserver`), alone, on a free loopback port."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(PRESSREVIEW_VAR_DIR=str(tmp_path), MAX_UPLOAD_BYTES="1024", DEBUG="1")
    server = subprocess.Popen([sys.executable, "manage.py", "devserver", f"127.0.0.1:{port}", "--noreload",
                               "--skip-checks"], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              start_new_session=True)

    def answers():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    try:
        wait_for(answers, timeout=60, what="the development server")
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def raw_request(port: int, method: str, path: str, body: bytes = b"", headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in {"Content-Length": str(len(body)), **(headers or {})}.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()


def test_the_dev_server_answers_an_oversized_body_with_the_413_page(dev_server):
    status, page = raw_request(dev_server, "POST", "/articles/new", b"a" * 200_000,
                               {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413
    assert "Upload too large" in page and "the limit is" in page


@pytest.mark.parametrize("path", [
    "/static/..%2F..%2Fpressreview%2Fsettings.py",
    "/static/../../pressreview/settings.py",
    "/static/%2e%2e/%2e%2e/pressreview/settings.py",
    "/static/..%5C..%5Cpressreview%5Csettings.py",
    "/static/%2Fetc%2Fpasswd",
])
def test_the_dev_server_never_serves_a_file_outside_the_static_folders(dev_server, path):
    status, page = raw_request(dev_server, "GET", path)
    assert status == 404
    assert "SECRET_KEY" not in page and "root:" not in page


def test_the_dev_server_still_serves_static_files(dev_server):
    status, page = raw_request(dev_server, "GET", "/static/vendor/htmx-2.0.11.min.js")
    assert status == 200
    assert "htmx" in page
