"""The Django project (HTTP only): settings, URL wiring, the people-facing pages (officer inbox, enterprise
portal, legal review, public notices, cockpit) and the REST API (DRF + OpenAPI). No business rules live here:
views parse input, check permission, call a service or selector and render the result."""

from .celery import app as celery_app

__all__ = ["celery_app"]
