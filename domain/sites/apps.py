from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "domain.sites"
    label = "sites"
    verbose_name = "工地现场监管"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import notices  # noqa: F401 - registers the sms.send outbox channel
