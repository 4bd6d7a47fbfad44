"""Chinese date formats: Django's, with month-day without a leading zero (11月5日, not 11月05日)."""

MONTH_DAY_FORMAT = "n月j日"
