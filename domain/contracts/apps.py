from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "domain.contracts"
    label = "contracts"
    verbose_name = "建设工程合同"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from integrations.finance_cloud import senders  # noqa: F401 - registers the finance-cloud channels
