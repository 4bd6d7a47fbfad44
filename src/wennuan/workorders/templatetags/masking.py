"""{% load masking %} gives the filters mask_name, mask_phone and mask_text."""

from wennuan.workorders.masking import register  # noqa: F401
