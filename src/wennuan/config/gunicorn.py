"""gunicorn settings of `wennuan serve` (``--config python:wennuan.config.gunicorn``).

A deployment may pass its own file instead (contrib/gunicorn.conf.py starts from this one).
Environment: ``WEB_CONCURRENCY`` (workers, gunicorn's own variable), ``GUNICORN_TIMEOUT``.
"""

import os

wsgi_app = "wennuan.config.wsgi:application"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# A register import of ~2,500 rows takes ~30 s in a request; longer ones belong in the command.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# No SO_REUSEPORT: with it a second server on the same port silently shares the traffic.
# After a kill -9 of the master its orphan workers hold the port for a second or two;
# `wennuan serve` waits for them, up to 65 s (cli.port_is_free). systemd (contrib/) kills the whole group.
reuse_port = False
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
# The client address nginx saw (X-Forwarded-For), time stamp, request, status, size, duration.
access_log_format = '%({x-forwarded-for}i)s %(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms'
# Only the local nginx may say the request came over https.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
