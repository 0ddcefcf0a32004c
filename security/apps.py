from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "安全与审计"
    default_auto_field = "django.db.models.BigAutoField"
