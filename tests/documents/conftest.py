import pytest

from documents import services


@pytest.fixture
def certificate(directory, user):
    """A certificate issued by the Pudong authority to the demo contractor, not yet sealed."""
    return services.issue_document(
        kind="certificate",
        title="建筑施工企业安全生产许可证",
        context={
            "holder": directory["contractor"].name,
            "fields": [["统一社会信用代码", directory["contractor"].credit_code], ["许可范围", "建筑施工"]],
            "valid_until": "2029年12月31日",
        },
        issuer=directory["310115"],
        acting_user=user("officer_pd"),
    )
