from django.db import models


class PeriodicRun(models.Model):
    """One run of a periodic task for one period (a day, a week): the row is the claim.

    Several workers may run at once; the unique (task, period) pair lets exactly one of them
    insert the row and do the work, the others see the conflict and skip. The claim is a lease:
    a worker killed mid-task leaves ``finished_at`` empty, and once ``lease_until`` has passed
    the next worker takes the claim over (``attempts`` counts the takers, so a task that kills
    its worker every time is given up after a few tries instead of forever).
    """

    task = models.CharField(max_length=80)
    period = models.CharField(max_length=40, help_text="e.g. 2026-11-27 or 2026-W48")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    holder = models.CharField(max_length=120, blank=True, help_text="host:pid:token of the taker")
    attempts = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "period"], name="periodic_run_once_per_period")
        ]

    def __str__(self):
        return f"{self.task} {self.period}"


class WorkerHeartbeat(models.Model):
    """The last pass of each `wennuan worker` process, for /healthz and `wennuan check`."""

    name = models.CharField(max_length=120, unique=True, help_text="host:pid")
    last_pass_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} {self.last_pass_at:%Y-%m-%d %H:%M:%S}"
