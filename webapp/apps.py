from django.apps import AppConfig


class WebappConfig(AppConfig):
    name = "webapp"
    verbose_name = "建管平台"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the start-up checks
