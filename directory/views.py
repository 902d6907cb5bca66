from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from core.audit import client_ip
from directory import services
from directory.forms import SignInForm
from directory.models import User
from directory.navigation import cards_for, home_for

# Lazy: this dict is built at import, before any request has chosen a language.
SIGN_IN_ERRORS: dict[str, Promise] = {
    "invalid_credentials": _("用户名或密码错误。"),
    "locked_out": _("登录失败次数过多，请 %(minutes)s 分钟后再试。"),
    "otp_required": _("请输入动态口令。"),
    "invalid_otp": _("动态口令错误。"),
    "otp_not_enrolled": _("此账号尚未绑定动态口令，请联系安全管理员。"),
}


def sign_in_error(code: str | None) -> str:
    message = SIGN_IN_ERRORS.get(code or "", SIGN_IN_ERRORS["invalid_credentials"])
    minutes = max(1, -(-settings.LOGIN_LOCKOUT_SECONDS // 60))  # rounded up: never promise a shorter wait
    return str(message) % {"minutes": minutes} if code == "locked_out" else str(message)


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("directory:home")
    form = SignInForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        result = services.sign_in(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            otp=form.cleaned_data["otp"] or None,
            ip=client_ip(request),
        )
        if result.user is not None:
            login(request, result.user, backend="directory.backends.UserBackend")
            if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                return redirect(next_url)
            return redirect("directory:home")
        form.add_error(None, sign_in_error(result.error))
    return render(request, "directory/sign_in.html", {"form": form, "next": next_url})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        assert isinstance(request.user, User)
        services.record_sign_out(user=request.user, ip=client_ip(request))
    logout(request)
    return redirect("directory:login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(request, "directory/home.html", {"home": home_for(user), "cards": cards_for(user)})
