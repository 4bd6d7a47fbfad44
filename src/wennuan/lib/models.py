from django.db import models


class PeriodicRun(models.Model):
    """One run of a periodic task for one period (a day, a week): the row is the claim.

    Several workers may run at once; the unique (task, period) pair lets exactly one of them
    insert the row and do the work, the others see the conflict and skip.
    """

    task = models.CharField(max_length=80)
    period = models.CharField(max_length=40, help_text="e.g. 2026-11-27 or 2026-W48")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "period"], name="periodic_run_once_per_period")
        ]

    def __str__(self):
        return f"{self.task} {self.period}"
