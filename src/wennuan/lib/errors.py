"""Error pages in the site's own style and language (zh-hans or English, as the visitor
chose), each saying what the visitor can do next."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from wennuan.staff.access import staff_role


def _error(request, status, title, message, *, login_link=False, home_link=True):
    return render(
        request,
        "error.html",
        {
            "status": status,
            "title": title,
            "message": message,
            "login_link": login_link,
            "home_link": home_link,
        },
        status=status,
    )


def permission_denied(request, exception=None):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and staff_role(user) is None:
        # Logged in, but nobody has given the account a role yet: say so, not just "403".
        return _error(
            request,
            403,
            _("账号尚未分配角色"),
            _(
                "您的账号 %(user)s 已登录，但还没有分配岗位角色，暂时不能使用工作台。请联系系统管理员分配角色。"
            )
            % {"user": user.get_username()},
        )
    return _error(
        request,
        403,
        _("没有权限"),
        _("您的账号没有查看此页面的权限。如需使用，请联系系统管理员。"),
        login_link=user is None or not user.is_authenticated,
    )


def csrf_failure(request, reason=""):
    """The form's security check failed (cookies blocked, a page left open for hours, an
    in-app browser): say what to do in the site's language instead of Django's developer page.
    The browser's Back button still holds what was typed."""
    return _error(
        request,
        403,
        _("页面已过期，请重新提交"),
        _(
            "为了安全，表单需要浏览器保存本站的 Cookie。请点浏览器的“返回”（填写的内容通常还在），"
            "刷新页面后再提交；如果仍不行，请允许本站使用 Cookie，或拨打 12319。"
        ),
    )


def page_not_found(request, exception=None):
    return _error(
        request,
        404,
        _("页面不存在"),
        _("没有找到这个页面，可能地址有误或内容已删除。"),
    )


def server_error(request):
    """Rendered without the request's context processors (they may be what failed)."""
    try:
        template = loader.get_template("error_500.html")
        return HttpResponseServerError(template.render({}))
    except Exception:  # the error page itself must never fail
        return HttpResponseServerError(
            "<h1>系统出错 / Server error</h1><p>请稍后再试，或拨打 12319。</p>",
            content_type="text/html; charset=utf-8",
        )
