"""The work-order staff pages' URLs, included by the console's (same paths, ``console:`` names)."""

from django.urls import path

from . import views

urlpatterns = [
    path("orders/", views.orders, name="orders"),
    path("orders/new/", views.order_new, name="order_new"),
    path("orders/new/prefill/", views.order_prefill, name="order_prefill"),
    path("orders/export/<str:fmt>/", views.orders_export, name="orders_export"),
    path("orders/<str:number>/", views.order_detail, name="order"),
    path("orders/<str:number>/visit/", views.order_visit, name="order_visit"),
    path("orders/<str:number>/act/<str:action>/", views.order_act, name="order_act"),
    path("reply-templates/", views.reply_templates, name="reply_templates"),
    path("reply-templates/<int:pk>/", views.reply_templates, name="reply_template"),
    path("orders/<str:number>/visits/<int:visit_id>/photo/", views.visit_photo, name="visit_photo"),
]
