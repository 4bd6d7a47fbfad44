"""A local fake SMS gateway for the kill -9 drill: an HTTP server that counts the messages it
is given, and the SMS backend (``WENNUAN_SMS_BACKEND=fake_sms_gateway.FakeGatewaySmsBackend``,
with this folder on PYTHONPATH) that posts each message to it.

The gateway answers after ``delay_s`` (a real one takes 100–300 ms), which widens the moment
between "sent" and "marked sent" in which a killed worker can cause a second send.
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeGatewaySmsBackend:
    """``send(phone, text)`` → POST to ``WENNUAN_FAKE_SMS_URL``; raises unless it answers 200."""

    def send(self, phone: str, text: str) -> None:
        body = json.dumps({"phone": phone, "text": text}, ensure_ascii=False).encode()
        request = urllib.request.Request(
            os.environ["WENNUAN_FAKE_SMS_URL"],
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.status != 200:
                raise RuntimeError(f"fake gateway answered {response.status}")


class FakeGateway:
    """Counts (phone, text) pairs received; run with ``start()``, read ``messages``."""

    def __init__(self, delay_s: float = 0.05):
        self.delay_s = delay_s
        self.messages: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", "0"))
                data = json.loads(self.rfile.read(length))
                time.sleep(gateway.delay_s)
                with gateway.lock:
                    gateway.messages.append((data["phone"], data["text"]))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"

    def start(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
