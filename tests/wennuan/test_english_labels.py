"""Labels an outsider found in Chinese on English pages, where the English walk does not reach
(drill-down headers of the weekly rates, the weekly report's readiness sheet, a form's help
text, the admin's app heading, the plans API's weather note, a callback's recorded note)."""

from django.apps import apps
from django.utils import translation

from wennuan.lib.systemtext import CJK, render
from wennuan.readiness.forms import ItemProgressForm
from wennuan.reports.drill import WEEK_METRICS
from wennuan.reports.weekly import READINESS_COLUMNS


def test_labels_read_english_in_english():
    with translation.override("en"):
        labels = [
            *(str(label) for label in WEEK_METRICS.values()),
            *(translation.gettext(heading) for heading, _attribute in READINESS_COLUMNS),
            str(ItemProgressForm.base_fields["done_on"].help_text),
            str(apps.get_app_config("channels").verbose_name),
            render("使用上传的天气文件"),
            render("住户反映室温仍然偏低"),
        ]
    assert [label for label in labels if CJK.search(label)] == []
    with translation.override("zh-hans"):
        assert str(WEEK_METRICS["week_orders"]) == "受理的工单"
