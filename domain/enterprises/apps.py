from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "domain.enterprises"
    label = "enterprises"
    verbose_name = "企业资质与安全生产许可"
    default_auto_field = "django.db.models.BigAutoField"
