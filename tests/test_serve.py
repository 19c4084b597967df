"""`manage.py serve` (what `make run` ends with): web server and worker together,
both stopped by one Ctrl-C."""

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
