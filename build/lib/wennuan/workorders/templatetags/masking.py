"""{% load masking %} gives the filters mask_name and mask_phone."""

from wennuan.workorders.masking import register  # noqa: F401
