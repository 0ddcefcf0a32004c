from django.urls import include, path

from . import api, files, views_batches, views_cases, views_credentials, views_revocation

_pages = [
    path("", views_cases.case_list, name="cases"),
    path("cases/<int:pk>/", views_cases.case_detail, name="case"),
    path("cases/<int:pk>/evidence/<int:evidence_id>/", files.evidence, name="evidence"),
    path("batches/", views_batches.batch_list, name="batches"),
    path("batches/<int:pk>/", views_batches.batch_detail, name="batch"),
    path("notices/", views_batches.notice_list, name="notices"),
    path("notices/<int:pk>/", views_batches.notice_detail, name="notice"),
    path("public-notices/", views_batches.public_notice_list, name="public-notices"),
    path("revocations/", views_revocation.revocation_list, name="revocations"),
    path("revocations/new/", views_revocation.revocation_new, name="revocation-new"),
    path("revocations/<int:pk>/", views_revocation.revocation_detail, name="revocation"),
    path("credentials/", views_credentials.credential_list, name="credentials"),
    path("licences/<int:pk>/", views_credentials.licence_detail, name="licence"),
]

urlpatterns = [path("enterprises/", include((_pages, "enterprises")))]

api_urlpatterns = [
    path("enterprises/cases/", api.CaseListView.as_view(), name="api-enterprises-cases"),
    path("enterprises/cases/<int:pk>/", api.CaseDetailView.as_view(), name="api-enterprises-case"),
    path("enterprises/qualifications/", api.QualificationListView.as_view(), name="api-enterprises-qualifications"),
    path("enterprises/licences/", api.LicenceListView.as_view(), name="api-enterprises-licences"),
    path("enterprises/licences/<int:pk>/", api.LicenceDetailView.as_view(), name="api-enterprises-licence"),
    path("enterprises/revocations/", api.RevocationListView.as_view(), name="api-enterprises-revocations"),
    path("enterprises/revocations/<int:pk>/", api.RevocationDetailView.as_view(), name="api-enterprises-revocation"),
]
