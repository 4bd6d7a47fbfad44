"""Issue 16.4: the fee calculator's errors (shown in the result box, away from the fields)
name the field by its label."""

from django.urls import reverse


def test_the_fee_calculator_names_the_area_field(client, fee_standard):
    page = client.get(
        reverse("publicinfo_public:fees"), {"area": "很大", "use": "residential", "suspended": "no"}
    ).content.decode()
    assert "供热面积（平方米）：" in page
