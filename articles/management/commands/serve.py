import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server and a Celery worker together; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--concurrency", default=os.environ.get("WORKER_CONCURRENCY", "1"))

    def handle(self, *args, port, host, concurrency, **options):
        python = sys.executable
        commands = {
            "web": [python, "manage.py", "devserver", f"{host}:{port}", "--noreload"],
            # --beat: the one worker also runs the periodic sweeper (production runs beat on its own).
            "worker": [python, "-m", "celery", "-A", "pressreview", "worker", "-Q", "annotate,bulk,export,sources,mail",
                       "--concurrency", str(concurrency), "--loglevel", "INFO", "--beat",
                       "--schedule", str(settings.VAR_DIR / "celerybeat-schedule")],
        }
        children = {name: subprocess.Popen(cmd, start_new_session=True) for name, cmd in commands.items()}
        self.stdout.write(f"Press Review on http://{host}:{port}/  (Ctrl-C stops the web server and the worker)")

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                exited = [name for name, child in children.items() if child.poll() is not None]
                if exited:
                    self.stderr.write(f"{', '.join(exited)} stopped; stopping the rest.")
                    break
                time.sleep(0.5)
        finally:
            for child in children.values():
                if child.poll() is None:
                    os.killpg(child.pid, signal.SIGTERM)
            deadline = time.monotonic() + 15
            for child in children.values():
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.killpg(child.pid, signal.SIGKILL)
