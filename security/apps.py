from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "安全与审计"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.apps import apps
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.db.models.signals import m2m_changed, post_save, pre_save

        from . import acl, signin, throttle

        m2m_changed.connect(acl.on_groups_changed, sender=get_user_model().groups.through, dispatch_uid="security.acl.m2m")
        post_save.connect(acl.on_group_saved, sender=Group, dispatch_uid="security.acl.group")
        for model in (get_user_model(), apps.get_model("organisations", "Organisation")):
            pre_save.connect(acl.on_scope_pre_save, sender=model, dispatch_uid=f"security.acl.scope_pre.{model.__name__}")
            post_save.connect(acl.on_scope_saved, sender=model, dispatch_uid=f"security.acl.scope.{model.__name__}")
        user_login_failed.connect(throttle.on_login_failed, dispatch_uid="security.throttle.failed")
        user_logged_in.connect(throttle.on_logged_in, dispatch_uid="security.throttle.ok")
        user_logged_in.connect(signin.on_logged_in, dispatch_uid="security.signin.in")
        user_logged_out.connect(signin.on_logged_out, dispatch_uid="security.signin.out")
        user_login_failed.connect(signin.on_login_failed, dispatch_uid="security.signin.failed")
