"""Worker task: run the queued register imports, one at a time (``registry.jobs``).

The claim of the scheduler (one run per job across workers, a lease that a successor takes
over when a worker is killed mid-import) is what makes each job run once; the period is
the job's id."""

from datetime import datetime

from wennuan.lib.scheduling import PeriodicTask

from . import jobs

# The command line took 117 s for 10,000 rows on a busy machine; a lease well beyond that.
IMPORT_LEASE_S = 3600


# The job named by the period just claimed: the scheduler calls due(), claims that period,
# then run() in the same thread, and run() must import that job, not whatever is oldest by
# then (another worker may hold the claim of the next one).
_due_job: dict[str, object] = {}


def job_due(now: datetime) -> str | None:
    job = jobs.next_job()
    _due_job["job"] = job
    return f"job-{job.pk}" if job else None


def run_next_job(now: datetime) -> str:
    job = _due_job.pop("job", None)
    return jobs.run_job(job) if job else "没有待导入的文件"


TASKS = [PeriodicTask("registry.import_register_jobs", job_due, run_next_job, IMPORT_LEASE_S)]
