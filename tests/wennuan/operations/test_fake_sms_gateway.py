"""The kill drill's fake SMS gateway (``benchmarks/fake_sms_gateway.py``): it counts every
message (so the drill sees duplicates) and, like Aliyun and Tencent, answers whether it
accepted a client message id (issue 18)."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def fake_gateway_module(monkeypatch):
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    import fake_sms_gateway

    return fake_sms_gateway


@pytest.mark.parametrize("askable", [True, False])
def test_the_drills_fake_gateway_keeps_client_ids_and_answers_the_query(
    fake_gateway_module, monkeypatch, askable
):
    """Not slow: the drill's gateway counts every message (duplicates included) and, like
    Aliyun and Tencent, answers whether it accepted a client message id; without the query it
    answers 404 and the backend says it cannot tell."""
    gateway = fake_gateway_module.FakeGateway(delay_s=0, askable=askable)
    gateway.start()
    try:
        monkeypatch.setenv("WENNUAN_FAKE_SMS_URL", gateway.url)
        backend = fake_gateway_module.FakeGatewaySmsBackend()
        backend.send("13853011111", "工单已受理", client_id="wennuan-1-1")
        backend.send("13853011111", "工单已受理", client_id="wennuan-1-1")
        assert len(gateway.messages) == 2  # counted, not deduplicated
        asked = backend.was_sent("13853011111", "wennuan-1-1", None, None)
        other = backend.was_sent("13853011111", "wennuan-2-1", None, None)
        assert (asked, other) == ((True, False) if askable else (None, None))
    finally:
        gateway.stop()
