"""gunicorn config for a deployment that wants its own (`wennuan serve --config
/etc/wennuan/gunicorn.conf.py`): starts from the package's settings, then changes a few."""

from wennuan.config.gunicorn import *  # noqa: F403 - every default of `wennuan serve`

# workers = 4          # about 2 per CPU core; or WEB_CONCURRENCY in the env file
# timeout = 60         # seconds a request may take (a large register import takes longer:
#                      # use `wennuan import-register` on the server for those)
# bind = "unix:/run/wennuan/gunicorn.sock"   # instead of --host/--port; nginx proxy_pass to it
