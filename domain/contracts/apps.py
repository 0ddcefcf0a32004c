from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "domain.contracts"
    label = "contracts"
    verbose_name = "建设工程合同"
    default_auto_field = "django.db.models.BigAutoField"
