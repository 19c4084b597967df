"""Settings come from the environment; production mode is strict."""

import os
import secrets
import subprocess
import sys

from tests.conftest import REPO


def manage(*args, **env):
    unset = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


PRODUCTION = {"PRESSREVIEW_ENV": "production", "ALLOWED_HOSTS": "press.example", "SITE_URL": "https://press.example",
              "FETCH_CONTACT_URL": "https://press.example/contact"}


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(60),
                    PRESSREVIEW_VAR_DIR=str(tmp_path), **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checks_want_public_links_and_a_contact_for_the_fetcher(tmp_path):
    settings = {**PRODUCTION, "SITE_URL": "http://127.0.0.1:8000", "FETCH_CONTACT_URL": ""}
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(60),
                    PRESSREVIEW_VAR_DIR=str(tmp_path), **settings)
    assert result.returncode != 0
    assert "digests.W001" in result.stderr and "SITE_URL is 'http://127.0.0.1:8000'" in result.stderr
    assert "sources.W001" in result.stderr and "FETCH_CONTACT_URL is not set" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage("check", PRESSREVIEW_ENV="production", ALLOWED_HOSTS="press.example",
                    PRESSREVIEW_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_malformed_setting_gets_a_clear_message(tmp_path):
    result = manage("check", DEBUG="maybe", PRESSREVIEW_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def _allow_private(tmp_path, **env):
    code = "from django.conf import settings; print(settings.FETCH_ALLOW_PRIVATE_NETWORKS)"
    result = manage("shell", "-c", code, PRESSREVIEW_VAR_DIR=str(tmp_path), **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_private_networks_are_refused_to_the_fetcher_in_production_and_allowed_in_development(tmp_path):
    production = {"PRESSREVIEW_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(60),
                  "ALLOWED_HOSTS": "press.example"}
    assert _allow_private(tmp_path, **production) == "False"
    assert _allow_private(tmp_path) == "True"
    assert _allow_private(tmp_path, FETCH_ALLOW_PRIVATE_NETWORKS="false") == "False"
    assert _allow_private(tmp_path, **production, FETCH_ALLOW_PRIVATE_NETWORKS="true") == "True"
