from django.apps import AppConfig


class PersonnelConfig(AppConfig):
    name = "domain.personnel"
    label = "personnel"
    verbose_name = "安管人员"
    default_auto_field = "django.db.models.BigAutoField"
