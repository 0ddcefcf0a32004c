from tests.documents.conftest import certificate  # noqa: F401 - shared fixture
