from django.urls import include, path

from . import api, views

_pages = [
    path("", views.document_list, name="list"),
    path("verify/", views.verify_upload, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify-code"),
    path("verify/<str:code>/download/", views.download, name="download"),
    path("seals/", views.seal_list, name="seals"),
    path("seals/<int:pk>/revoke/", views.seal_revoke, name="seal-revoke"),
    path("seals/<int:pk>/image.png", views.seal_image, name="seal-image"),
    path("integrity/", views.integrity, name="integrity"),
]

urlpatterns = [path("documents/", include((_pages, "documents")))]

api_urlpatterns = [
    path("documents/verify/", api.VerifyDocumentView.as_view(), name="api-documents-verify"),
]
