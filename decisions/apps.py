from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "决策与规则"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system check
