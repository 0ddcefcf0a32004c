from django.urls import include, path

from . import api, views

_pages = [
    path("", views.decision_list, name="list"),
    path("<str:key>/", views.decision_detail, name="detail"),
]

urlpatterns = [path("decisions/", include((_pages, "decisions")))]

api_urlpatterns = [
    path("decisions/", api.DecisionListView.as_view(), name="api-decisions"),
    path("decisions/<str:key>/evaluate/", api.DecisionEvaluateView.as_view(), name="api-decisions-evaluate"),
]
