"""XML bodies for the Open311 answers: nested dicts and lists, UTF-8 declared (GeoReport v2
requires the declaration with the encoding)."""

from xml.etree import ElementTree


def _singular(tag: str) -> str:
    """The item tag of a list: ``attributes`` → ``attribute``, ``values`` → ``value``."""
    return tag[:-1] if tag.endswith("s") else f"{tag}_item"


def _fill(element, value, item_tag: str):
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ElementTree.SubElement(element, key), child, _singular(key))
    elif isinstance(value, list):
        for child in value:
            _fill(ElementTree.SubElement(element, item_tag), child, item_tag)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def to_xml(root_tag: str, value, item_tag: str) -> bytes:
    """``to_xml("services", [{...}], "service")`` → ``<services><service>…</service></services>``;
    a list under a key is wrapped per item in the key's singular (``<values><value>``)."""
    root = ElementTree.Element(root_tag)
    _fill(root, value, item_tag)
    body = ElementTree.tostring(root, encoding="unicode")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body.encode("utf-8")
