"""Masking personal data on public pages (design §4.5): 王*, 138****1234, no room."""

from django import template


def mask_name(name: str) -> str:
    name = (name or "").strip()
    return f"{name[0]}*" if name else ""


def mask_phone(phone: str) -> str:
    phone = phone or ""
    if len(phone) >= 11:
        return f"{phone[:3]}****{phone[-4:]}"
    if len(phone) > 4:
        return "*" * (len(phone) - 4) + phone[-4:]
    return "****"


register = template.Library()
register.filter("mask_name", mask_name)
register.filter("mask_phone", mask_phone)
