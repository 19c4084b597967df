"""What a web process carries. Several run side by side (the Procfile's web line), each with everything it
imports: the language models and the feed and file parsers belong to the workers (a parser is imported by
the first upload of its kind of file, in the process that reads it)."""

import subprocess
import sys

from tests.conftest import REPO

WORKERS_ONLY = {"spacy", "thinc", "docx", "pypdf", "trafilatura", "feedparser", "lxml"}

LOAD_LIKE_GUNICORN = """
import sys
from pressreview.wsgi import application
from django.urls import get_resolver
get_resolver().url_patterns
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_a_web_process_imports_no_language_model_nor_feed_or_file_parser():
    result = subprocess.run([sys.executable, "-c", LOAD_LIKE_GUNICORN], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = set(result.stdout.split())
    assert {"django", "articles", "sources", "celery"} <= loaded  # the whole site, its API and the task sender
    assert not loaded & WORKERS_ONLY, sorted(loaded & WORKERS_ONLY)
