"""The sign-in page, the home page of each role, the language switch and the page-wide security headers."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from anbang.testing import PASSWORD, persona
from core.areas import registry
from directory.context_processors import current_nav_url
from directory.demo import DEMO_USERS
from directory.models import LoginFailure, Role
from directory.navigation import nav_for

pytestmark = pytest.mark.django_db

HOME_TITLES = {
    "facility_liaison": "监所工作台",
    "office_officer": "司法所工作台",
    "office_officer_b": "司法所工作台",
    "county_officer": "县级安帮办工作台",
    "city_officer": "市级安帮办工作台",
    "province_officer": "省级安帮办工作台",
    "partner_officer": "协作部门工作台",
    "police_officer": "公安工作台",
    "social_worker": "社会工作者工作台",
    "volunteer": "志愿者工作台",
    "base_manager": "过渡性安置基地工作台",
    "system_admin": "系统管理员工作台",
    "security_admin": "安全管理员工作台",
    "audit_admin": "审计管理员工作台",
}


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_it_names_a_home_title_for_every_demo_user() -> None:
    assert set(HOME_TITLES) == {demo.username for demo in DEMO_USERS}


def test_it_renders_the_sign_in_page_in_chinese() -> None:
    response = Client().get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "安置帮教信息系统" in html
    assert "<h1" in html and "登录</h1>" in html
    assert 'name="username"' in html and 'name="password"' in html


def test_it_shows_the_error_in_place_for_a_wrong_password() -> None:
    response = Client().post("/login/", {"username": "office_officer", "password": "wrong-password"})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'role="alert">\s*用户名或密码错误。', html)
    assert 'value="office_officer"' in html


def test_it_answers_an_unknown_user_like_a_wrong_password() -> None:
    unknown = Client().post("/login/", {"username": "nobody_here", "password": "wrong-password"})
    assert "用户名或密码错误。" in unknown.content.decode()


def test_it_locks_out_the_sixth_attempt_even_with_the_right_password() -> None:
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/login/", {"username": "volunteer", "password": "wrong-password"})
    response = client.post("/login/", {"username": "volunteer", "password": PASSWORD})
    assert response.status_code == 200
    assert "登录失败次数过多，请 15 分钟后再试。" in response.content.decode()
    assert LoginFailure.objects.filter(username="volunteer").count() == settings.LOGIN_FAILURE_LIMIT


def test_it_redirects_home_after_signing_in() -> None:
    response = Client().post("/login/", {"username": "office_officer", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_follows_a_local_next_but_not_another_host() -> None:
    local = Client().post("/login/", {"username": "office_officer", "password": PASSWORD, "next": "/audit/"})
    assert local["Location"] == "/audit/"
    foreign = Client().post(
        "/login/", {"username": "office_officer", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert foreign["Location"] == "/"


@pytest.mark.parametrize("username", list(HOME_TITLES))
def test_it_shows_the_home_page_of_the_role(username: str) -> None:
    response = signed_in(username).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{HOME_TITLES[username]}</h1>" in html
    assert "task-card" in html
    assert "退出" in html


def test_it_shows_a_dash_not_a_made_up_count_for_a_task_without_one() -> None:
    # the security administrator's cards have no selector to count with (yet)
    assert all(c.count is None and c.worklist is None for c in registry.home_cards(Role.SECURITY_ADMIN))
    html = signed_in("security_admin").get("/").content.decode()
    assert 'class="task-count task-count-none"' in html
    assert not re.search(r'class="task-count">\s*\d', html)


def test_it_shows_the_user_and_organisation_in_the_top_bar() -> None:
    html = signed_in("office_officer").get("/").content.decode()
    assert "演示司法所干部" in html
    assert "司法所工作人员 · 玄武区示范一街道司法所" in html


def test_it_redirects_anonymous_home_to_sign_in() -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_it_sends_a_signed_in_user_from_the_sign_in_page_home() -> None:
    response = signed_in("office_officer").get("/login/")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_signs_out_on_post_only() -> None:
    client = signed_in("office_officer")
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response["Location"] == "/login/"
    assert client.get("/")["Location"] == "/login/?next=/"


def test_it_shows_english_after_switching_language() -> None:
    client = signed_in("office_officer")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Justice office workspace</h1>" in html
    assert "Sign out" in html


def test_it_sends_the_content_security_policy_on_pages() -> None:
    for response in (Client().get("/login/"), signed_in("office_officer").get("/")):
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        assert "unsafe-inline" not in policy


def test_it_uses_no_inline_styles_or_scripts_that_the_policy_would_block() -> None:
    pages = [Client().get("/login/"), signed_in("office_officer").get("/"), signed_in("audit_admin").get("/audit/")]
    for response in pages:
        html = response.content.decode()
        assert " style=" not in html
        assert "<style" not in html
        assert not re.search(r"<\w[^>]*\son[a-z]+=", html), "inline event handler"
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
        assert not re.search(r"(src|href)=\"(https?:)?//", html), "asset from another host"


def test_it_renders_the_home_page_in_few_queries(django_assert_max_num_queries: DjangoAssertNumQueries) -> None:
    client = signed_in("office_officer")
    counted = sum(1 for c in registry.home_cards(Role.OFFICE_OFFICER) if c.count or c.worklist)
    # session, user, the user's organisation and its region (top bar and account card), then the session save
    # that renews the idle timeout (UPDATE inside a savepoint pair); one COUNT per card that shows a number
    with django_assert_max_num_queries(7 + counted):
        client.get("/")


def test_it_explains_an_expired_form_in_chinese() -> None:
    response = Client(enforce_csrf_checks=True).post("/login/", {"username": "office_officer", "password": PASSWORD})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_it_shows_its_own_not_found_page() -> None:
    response = signed_in("office_officer").get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_it_answers_api_errors_in_chinese_by_default_and_in_english_on_request() -> None:
    chinese = Client().get("/api/v1/me")
    assert chinese.status_code == 401
    assert chinese.json()["error"]["message"] == "请登录或提供有效的访问令牌。"
    english = Client().get("/api/v1/me", headers={"Accept-Language": "en"})
    assert english.json()["error"]["message"] == "Sign in or send a valid bearer token."


def test_it_shows_form_errors_in_chinese() -> None:
    html = Client().post("/login/", {"username": "", "password": ""}).content.decode()
    assert "这个字段是必填项。" in html


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/", "/"),
        ("/cases/12/", "/cases/"),
        ("/cases/traces/incoming/", "/cases/traces/"),
        ("/stats/register/list/", "/stats/handover/"),
        ("/handover/inbox/check-in/", "/handover/inbox/"),
        ("/audit/", None),
    ],
)
def test_it_highlights_the_navigation_item_a_page_belongs_to(path: str, current: str | None) -> None:
    items = nav_for(persona("county_officer"))
    assert current_nav_url(items, path) == current


def test_it_marks_the_section_of_a_page_without_a_link_of_its_own() -> None:
    body = signed_in("county_officer").get("/stats/register/").content.decode()
    assert '<a href="/stats/handover/" aria-current="page">' in body
