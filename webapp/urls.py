"""URL wiring. Each page area ``webapp/<area>/urls.py`` exposes ``urlpatterns`` (pages, full paths) and optionally
``api_urlpatterns`` (mounted under ``/api/``); they are discovered so adding a module edits no shared list."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from webapp.api.auth import ObtainTokenView
from webapp.api.me import MeView


def _area_patterns() -> tuple[list[URLPattern | URLResolver], list[URLPattern | URLResolver]]:
    pages: list[URLPattern | URLResolver] = []
    api: list[URLPattern | URLResolver] = []
    for mod in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if not mod.ispkg or mod.name == "api":
            continue
        try:
            urls = importlib.import_module(f"webapp.{mod.name}.urls")
        except ModuleNotFoundError as exc:
            if exc.name != f"webapp.{mod.name}.urls":
                raise
            continue
        pages.extend(getattr(urls, "urlpatterns", []))
        api.extend(getattr(urls, "api_urlpatterns", []))
    return pages, api


_pages, _api = _area_patterns()

api_urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *_api,
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(api_urlpatterns)),
    *_pages,
]

# Uploaded files are not served from MEDIA_URL, not even in demo or debug runs: each kind has a permission-checked
# view (webapp/files.py).
