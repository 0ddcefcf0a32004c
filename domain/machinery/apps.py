from django.apps import AppConfig


class MachineryConfig(AppConfig):
    name = "domain.machinery"
    label = "machinery"
    verbose_name = "建筑起重机械"
    default_auto_field = "django.db.models.BigAutoField"
