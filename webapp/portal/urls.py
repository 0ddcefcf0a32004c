from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, ywtb

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", ywtb.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/ywtb/", ywtb.start, name="ywtb_start"),
    path("accounts/ywtb/callback/", ywtb.callback, name="ywtb_callback"),
    path("accounts/ywtb/simulated/", ywtb.simulated, name="ywtb_simulated"),
    path("healthz", views.healthz, name="healthz"),
]
