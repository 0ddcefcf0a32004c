"""一网通办 sign-in for individual applicants (个人办事人实名登录), authorization-code flow.

``/accounts/ywtb/`` sends the browser to the portal with a one-time ``state`` kept in the session; the portal sends
it back to ``/accounts/ywtb/callback/`` with a code, which ``domain.personnel.identity`` exchanges for the verified
identity (matched to a person by ID number; an applicant account is created on first sign-in).

With ``YIWANGTONGBAN_URL=local`` (the embedded default) the portal is the in-process simulator, and its login page
is ``/accounts/ywtb/simulated/`` — served only in demo, debug or test runs, because it trusts whatever identity is
typed in. A production deployment without a real portal URL shows no 一网通办 button at all.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from domain.errors import DomainError
from domain.personnel.identity import sign_in_with_code
from integrations.yiwangtongban.client import YiwangtongbanClient, local_simulator
from integrations.yiwangtongban.simulator import Identity

from .forms import LoginForm

SESSION_STATE = "ywtb_state"
SESSION_NEXT = "ywtb_next"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def is_local() -> bool:
    return str(getattr(settings, "YIWANGTONGBAN_URL", "local") or "local") == "local"


def simulator_allowed() -> bool:
    return bool(settings.DEMO or settings.DEBUG or settings.TESTING)


def enabled() -> bool:
    """Whether the login page offers 一网通办: a real portal is configured, or the simulator may be used."""
    return not is_local() or simulator_allowed()


def valid_id_number(value: str) -> bool:
    """An 18-character resident ID number (GB 11643) with a correct check character."""
    value = value.strip().upper()
    if len(value) != 18 or not value[:17].isdigit():
        return False
    return _CHECK[sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True)) % 11] == value[17]


class LoginView(auth_views.LoginView):
    """Password login, plus the 一网通办 button where it is enabled."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "ywtb": enabled(), "ywtb_simulated": is_local()}


def _callback_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("ywtb_callback"))


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    if not enabled():
        raise Http404("一网通办登录未启用。")
    state = secrets.token_urlsafe(24)
    request.session[SESSION_STATE] = state
    next_url = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    request.session[SESSION_NEXT] = next_url if next_url and safe else ""
    if is_local():
        query = urlencode({"redirect_uri": _callback_url(request), "state": state})
        return redirect(f"{reverse('ywtb_simulated')}?{query}")
    return redirect(YiwangtongbanClient.from_settings().authorize_url(redirect_uri=_callback_url(request), state=state))


def _failed(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "portal/ywtb_failed.html", {"message": message}, status=status)


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    expected = request.session.pop(SESSION_STATE, None)
    next_url = request.session.pop(SESSION_NEXT, "") or "/"
    state, code = request.GET.get("state", ""), request.GET.get("code", "")
    if not expected or not secrets.compare_digest(str(expected).encode(), state.encode()):
        return _failed(request, "登录请求已失效或不是从本平台发起的，请重新点击“一网通办实名登录”。", 400)
    if not code:
        return _failed(request, "一网通办没有返回授权码，请重新登录。", 400)
    try:
        user = sign_in_with_code(code=code)
    except DomainError as exc:
        return _failed(request, str(exc), exc.status_code)
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    return HttpResponseRedirect(next_url)  # a path checked at the start; never resolved as a URL name


class SimulatedLoginForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号码", max_length=18, min_length=18)
    phone = forms.CharField(label="手机号码（选填）", max_length=20, required=False)

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip().upper()
        if not valid_id_number(value):
            raise forms.ValidationError("身份证号码校验位不正确，请核对后重新填写。")
        return value


@require_http_methods(["GET", "POST"])
def simulated(request: HttpRequest) -> HttpResponse:
    """The simulated portal's login page (本地模拟，仅演示/开发环境): it trusts the identity typed in."""
    if not (is_local() and simulator_allowed()):
        raise Http404("一网通办模拟登录仅在演示或开发环境提供。")
    state = request.GET.get("state", "")
    form = SimulatedLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sim = local_simulator()
        identity = Identity(name=form.cleaned_data["name"].strip(), id_number=form.cleaned_data["id_number"],
                            phone=form.cleaned_data["phone"].strip())
        sim.register(identity)
        code = sim.login(identity.id_number)
        # back to this platform's own callback only: the redirect_uri parameter is shown, never followed
        return redirect(f"{reverse('ywtb_callback')}?{urlencode({'code': code, 'state': state})}")
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/ywtb_simulated.html", {"form": form, "state": state}, status=status)
