"""A local fake SMS gateway for the kill -9 drill: an HTTP server that counts the messages it
is given, and the SMS backend (``WENNUAN_SMS_BACKEND=fake_sms_gateway.FakeGatewaySmsBackend``,
with this folder on PYTHONPATH) that posts each message to it.

The gateway answers after ``delay_s`` (a real one takes 100–300 ms), which widens the moment
between "sent" and "marked sent" in which a killed worker can cause a second send.

Like Aliyun (OutId, QuerySendDetails) and Tencent (SessionContext,
PullSmsSendStatusByPhoneNumber), it keeps the sender's client message id and answers
``GET /sms?phone=…&client_id=…`` with whether it accepted one; it does not deduplicate (a
duplicate the outbox sends is counted, so the drill sees it). ``askable=False`` (``--no-query``
in the drill) answers 404 to the question, as a gateway without a query.
"""

from __future__ import annotations

import collections
import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeGatewaySmsBackend:
    """``send(phone, text, client_id=)`` → POST to ``WENNUAN_FAKE_SMS_URL``; raises unless it
    answers 200. ``was_sent`` → GET the same URL: True / False, None on a 404 (no query)."""

    def send(self, phone: str, text: str, *, client_id: str | None = None) -> None:
        body = json.dumps(
            {"phone": phone, "text": text, "client_id": client_id}, ensure_ascii=False
        ).encode()
        request = urllib.request.Request(
            os.environ["WENNUAN_FAKE_SMS_URL"],
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.status != 200:
                raise RuntimeError(f"fake gateway answered {response.status}")

    def was_sent(self, phone: str, client_id: str, since, until) -> bool | None:
        query = urllib.parse.urlencode({"phone": phone, "client_id": client_id})
        try:
            with urllib.request.urlopen(
                f"{os.environ['WENNUAN_FAKE_SMS_URL']}?{query}", timeout=10
            ) as response:
                return json.loads(response.read())["accepted"]
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise


class FakeGateway:
    """Counts (phone, text) pairs received; run with ``start()``, read ``messages``."""

    def __init__(self, delay_s: float = 0.05, *, askable: bool = True):
        self.delay_s = delay_s
        self.messages: list[tuple[str, str]] = []
        self.accepted_ids: set[tuple[str, str]] = set()  # (phone, client id)
        self.questions = collections.Counter()  # answers given: accepted / not accepted / 404
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", "0"))
                data = json.loads(self.rfile.read(length))
                time.sleep(gateway.delay_s)
                with gateway.lock:
                    gateway.messages.append((data["phone"], data["text"]))
                    if data.get("client_id"):
                        gateway.accepted_ids.add((data["phone"], data["client_id"]))
                self._answer(200, b"ok")

            def do_GET(self):  # noqa: N802
                if not askable:
                    with gateway.lock:
                        gateway.questions["404"] += 1
                    self._answer(404, b"no query")
                    return
                asked = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                with gateway.lock:
                    accepted = (asked["phone"], asked["client_id"]) in gateway.accepted_ids
                    gateway.questions["accepted" if accepted else "not accepted"] += 1
                self._answer(200, json.dumps({"accepted": accepted}).encode())

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"

    def start(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
