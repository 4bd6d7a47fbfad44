"""How the API shows an order: the same JSON in its answers and in the webhooks that push
changes back to the client (``wennuan.channels.webhooks``), so both import it from here."""

from wennuan.workorders.models import WorkOrder


def iso(moment):
    return moment.isoformat() if moment else None


def order_payload(order: WorkOrder) -> dict:
    return {
        "number": order.number,
        "state": order.state,
        "category": order.category,
        "community": order.community.name if order.community else None,
        "company": order.company.legal_name if order.company else None,
        "building": order.building,
        "unit": order.unit,
        "room": order.room,
        "channel": order.channel,
        "external_id": order.external_id,
        "created_at": iso(order.created_at),
        "updated_at": iso(order.updated_at),
        "deadlines": {
            "sign": iso(order.sign_deadline),
            "onsite": iso(order.onsite_deadline),
            "resolve": iso(order.resolve_deadline),
        },
        "flags": {
            "pressed": order.pressed,
            "supervised": order.supervised,
            "extension_requested": order.extension_requested,
            "overdue": order.overdue,
        },
        "reply": order.reply,
        "master": order.master.number if order.master_id else None,
    }
