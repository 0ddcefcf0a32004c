from django.urls import include, path

from . import views

_pages = [
    path("operations/processes/", views.instances, name="instances"),
    path("cases/<int:pk>/control/<slug:code>/", views.control, name="control"),
]

urlpatterns = [path("", include((_pages, "operations")))]
