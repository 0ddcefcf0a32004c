from django.urls import path

from . import views

urlpatterns = [path("cockpit/", views.cockpit, name="cockpit")]
