from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProcessesConfig(AppConfig):
    name = "processes"
    verbose_name = "流程"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .engine import registry

        registry.autodiscover()
        post_migrate.connect(_publish_after_migrate, sender=self)


def _publish_after_migrate(sender, using="default", verbosity=1, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """``migrate`` also publishes the shipped models (a no-op when nothing changed)."""
    from django.conf import settings

    if getattr(settings, "TESTING", False):
        return  # tests publish what they need; the test database starts empty
    import sys

    from security.context import system_actor

    from .engine.definitions import PublishError, publish_all

    try:
        with system_actor("manage.py migrate"):
            results = publish_all()
    except PublishError as exc:  # migrate still succeeds; `manage.py publish_processes` fails loudly
        sys.stderr.write(f"{exc.message}\n")
        return
    for definition, created in results:
        if created and verbosity:
            sys.stdout.write(f"  published {definition.key} v{definition.version}\n")
