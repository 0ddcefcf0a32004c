from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from security.throttle import lockout_message


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误，请重新输入。",
        "inactive": "该账户已停用，请联系系统管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control"
        self.fields["username"].widget.attrs["autofocus"] = True

    def clean(self):
        locked = lockout_message(self.data.get("username", ""), self.request)
        if locked:
            raise ValidationError(locked, code="locked")
        return super().clean()
