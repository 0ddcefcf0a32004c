from django.urls import include, path

from . import api, views

_pages = [
    path("", views.site_list, name="list"),
    path("<int:pk>/", views.site_detail, name="detail"),
    path("draws/", views.draw_list, name="draws"),
    path("draws/<int:pk>/", views.draw_detail, name="draw"),
    path("draws/<int:pk>/record.json", views.draw_record_json, name="draw-record"),
    path("draws/verifier/draw.py", views.draw_verifier_source, name="draw-verifier"),
    path("draws/verify/", views.verify_upload, name="draw-verify"),
]

urlpatterns = [path("sites/", include((_pages, "sites")))]

api_urlpatterns = [
    path("integrations/permits/", api.PermitIntakeView.as_view(), name="api-permit-intake"),
    path(
        "integrations/sites/<str:permit_number>/supervision-summary/",
        api.SupervisionSummaryView.as_view(),
        name="api-supervision-summary",
    ),
    path("sites/", api.SiteListView.as_view(), name="api-sites"),
    path("sites/draws/", api.DrawListView.as_view(), name="api-draws"),
    path("sites/draws/<int:pk>/record/", api.DrawRecordView.as_view(), name="api-draw-record"),
]
