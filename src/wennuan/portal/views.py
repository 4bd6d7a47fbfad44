"""Public pages for citizens: mobile-first, Chinese first, no login."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from wennuan.registry.directory import MAX_QUERY_LENGTH, bureau_lines, search_directory
from wennuan.registry.models import City

# The page shows this many results; the JSON API pages through all of them.
PAGE_RESULT_LIMIT = 50


def home(request):
    return render(
        request, "portal/home.html", {"city": City.objects.first(), "bureau_lines": bureau_lines()}
    )


def directory(request):
    """公布各小区管理员联系电话: search by name, alias, pinyin or initials."""
    query = request.GET.get("q", "").strip()
    error = None
    entries = []
    total = 0
    if len(query) > MAX_QUERY_LENGTH:
        error = _("搜索内容过长（最多 %(max)s 个字），请只输入小区名称") % {"max": MAX_QUERY_LENGTH}
    elif query:
        entries = search_directory(query)
        total = len(entries)
        if not entries:
            error = _("没有找到“%(query)s”，请换个叫法或只输入小区名称中的两三个字") % {
                "query": query
            }
    context = {
        "query": query,
        "entries": entries[:PAGE_RESULT_LIMIT],
        "total": total,
        "truncated": total > PAGE_RESULT_LIMIT,
        "error": error,
        "bureau_lines": bureau_lines(),
        "max_query_length": MAX_QUERY_LENGTH,
    }
    template = "portal/_directory_results.html" if request.htmx else "portal/directory.html"
    return render(
        request, template, context, status=400 if error and len(query) > MAX_QUERY_LENGTH else 200
    )
