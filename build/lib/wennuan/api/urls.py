from django.urls import path

from wennuan.planning import api as planning_api

from . import views, workorders

app_name = "api"
urlpatterns = [
    path("directory", views.directory, name="directory"),
    path("workorders", workorders.workorders, name="workorders"),
    path("workorders/<str:number>", workorders.workorder, name="workorder"),
    path(
        "workorders/<str:number>/actions/<str:action>",
        workorders.workorder_action,
        name="workorder_action",
    ),
    path("openapi.json", workorders.openapi, name="openapi"),
    path("plans/<str:day>", planning_api.plans_for_date, name="plans"),
]
