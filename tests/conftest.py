"""Shared pytest fixtures: the demo directory (districts, organisations, users by role) and API clients."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from domain.organisations import demo as org_demo
from domain.organisations.models import Organisation, User


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def directory(db) -> dict[str, Organisation]:
    """The demo organisations and users (every account in ``domain.organisations.demo``)."""
    org_demo.load(lambda _msg: None)
    return org_demo.organisations()


@pytest.fixture
def user(directory):
    """Look up a demo user by username: ``user("officer_pd")``."""

    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def api():
    """An API client factory authenticated as a demo user: ``api("officer_pd")``; ``api()`` is anonymous."""

    def make(username: str | None = None) -> APIClient:
        client = APIClient()
        if username:
            client.force_authenticate(User.objects.get(username=username))
        return client

    return make


@pytest.fixture
def publish_models(db):
    """Publish shipped procedure folders: ``publish_models("site_supervision")`` (tests start with none)."""
    from processes.engine import publish_directory
    from processes.engine.definitions import MODELS_DIR

    def publish(*folders: str) -> None:
        for folder in folders:
            publish_directory(MODELS_DIR / folder, procedure=folder)

    return publish
