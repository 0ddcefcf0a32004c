"""建筑起重机械 (machinery bounded context)."""
from django.apps import AppConfig


class MachineryConfig(AppConfig):
    name = "domain.machinery"
    label = "machinery"
    verbose_name = "建筑起重机械"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import national  # noqa: F401 - registers the national-platform outbox sender
