"""English date formats: Django's, with a 24-hour clock (dispatch and hotline staff read 18:30)."""

DATETIME_FORMAT = "N j, Y, H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
