"""One-time tokens for the complaint forms (the public form and the operator's 受理来电):
a double click, or Back and submit again, makes ONE order and shows its number again
(issue 16.11). The form carries a random token; the order is created together with the
token's row, and the token is unique, so a second submit — even one racing the first —
finds the first order instead of making another."""

import re
import secrets

from django.db import IntegrityError, transaction

from .models import FormSubmission

_TOKEN = re.compile(r"[0-9a-f]{32}")


def new_form_token() -> str:
    return secrets.token_hex(16)


def _valid(token: str) -> bool:
    return bool(token) and _TOKEN.fullmatch(token) is not None


def order_of_token(token: str):
    """The order an earlier submit of this form made, or None."""
    if not _valid(token):
        return None
    found = FormSubmission.objects.filter(token=token).select_related("order").first()
    return found.order if found else None


def create_once(token: str, create):
    """(order, made_now): ``create()``'s order, recorded under ``token``; when a submit with
    the same token got there first, its order and False (what ``create`` did is undone). A
    form without a (well-formed) token is created as before."""
    if not _valid(token):
        return create(), True
    try:
        with transaction.atomic():
            order = create()
            FormSubmission.objects.create(token=token, order=order)
    except IntegrityError:
        earlier = order_of_token(token)
        if earlier is None:
            raise
        return earlier, False
    return order, True
