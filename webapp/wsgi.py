"""WSGI entry point. Refuses to serve when the start-up checks fail (e.g. demo passwords outside demo mode)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
application = get_wsgi_application()

from django.core import checks  # noqa: E402

_errors = [e for e in checks.run_checks(tags=["jianguan"]) if e.is_serious()]
if _errors:
    raise RuntimeError("; ".join(str(e.msg) for e in _errors))
