from django.urls import path

from . import open311, wechat

app_name = "channels"
urlpatterns = [
    path("open311/v2/services.<str:fmt>", open311.services, name="open311_services"),
    path(
        "open311/v2/services/<str:code>.<str:fmt>",
        open311.service_definition,
        name="open311_service",
    ),
    path("open311/v2/requests.<str:fmt>", open311.requests, name="open311_requests"),
    path(
        "open311/v2/requests/<str:number>.<str:fmt>",
        open311.request_detail,
        name="open311_request",
    ),
    path("wechat/", wechat.callback, name="wechat"),
]
