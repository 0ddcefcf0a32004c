from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "domain.organisations"
    label = "organisations"
    verbose_name = "组织机构与人员"
    default_auto_field = "django.db.models.BigAutoField"
