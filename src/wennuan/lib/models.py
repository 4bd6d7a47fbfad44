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


class OutboxMessage(models.Model):
    """A notification to deliver after the change that caused it has committed (issue 14).

    Written in the same transaction as the change, so a rolled-back change leaves no message;
    delivered by ``wennuan worker`` through the backend registered for its ``channel``
    (``wennuan.lib.outbox``), with retries and exponential backoff. A worker claims a row for
    a lease; a crashed worker's claim lapses and another worker takes the row over."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"  # gave up after the last attempt

    channel = models.CharField(max_length=30)  # sms; wechat and webhook will plug in
    recipient = models.CharField(max_length=200)
    body = models.TextField()
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    claimed_by = models.CharField(max_length=80, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.channel} → {self.recipient} ({self.status})"


class DeliveryAttempt(models.Model):
    """One attempt to deliver an outbox message: the delivery log."""

    message = models.ForeignKey(OutboxMessage, related_name="attempt_log", on_delete=models.CASCADE)
    worker = models.CharField(max_length=80)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    ok = models.BooleanField()
    error = models.TextField(blank=True)
    # Set when an earlier claim lapsed without an attempt logged (its worker died mid-send):
    # what the gateway was asked and what the worker did (reconciled without sending, sent).
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self):
        return f"{self.message_id} {'ok' if self.ok else 'failed'} {self.started_at:%Y-%m-%d %H:%M}"


class LookupVersion(models.Model):
    """One row (id 1) whose ``version`` every write of a lookup table (city, companies, seasons,
    deadline policies, notice templates) increments: each process's cached copies of those
    tables are valid while it is unchanged (``wennuan.lib.lookups``)."""

    version = models.BigIntegerField(default=0)

    def __str__(self):
        return f"lookup version {self.version}"
