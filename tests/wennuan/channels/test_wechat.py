"""The WeChat callback /wechat/, driven the way WeChat's server drives it: signed GET check,
plain and safe-mode (AES) messages, retries; wechatpy's own known-answer crypto vectors; and
every refusal (forged signature, replay, stale timestamp, oversize body, bad OpenID)."""

import hashlib
import time
from datetime import UTC, datetime

import pytest
import time_machine
import xmltodict
from wechatpy.crypto import WeChatCrypto

from wennuan.channels.models import WechatConversation, WechatMessage
from wennuan.channels.wechat import menu_definition
from wennuan.workorders.models import WorkOrder

TOKEN = "wennuan-test-token"
APPID = "wx0123456789abcdef"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
OPENID = "oF3PcsnsrMiJzEwalZZbAfWQpxCI"

# wechatpy's tests/test_crypto.py vectors (token, EncodingAESKey, AppID/CorpID, a message
# encrypted by WeChat, its msg_signature, timestamp and nonce); the cipher is the same for
# Official Accounts and WeCom.
VECTOR_TOKEN = "123456"
VECTOR_AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
VECTOR_APPID = "wx49f0ab532d5d035a"
VECTOR_XML = """<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>
<Encrypt><![CDATA[RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=]]></Encrypt>
<AgentID><![CDATA[1]]></AgentID>
</xml>"""  # noqa: E501
VECTOR_MSG_SIGNATURE = "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"
VECTOR_TIMESTAMP = "1411525903"
VECTOR_NONCE = "461056294"


def sign(*parts: str) -> str:
    """WeChat's signature: SHA-1 of the sorted parts concatenated (written here independently
    of wechatpy, as the WeChat server computes it)."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


class SimulatedWeChat:
    """What WeChat's server sends to a developer's callback URL."""

    def __init__(self, client, token=TOKEN, safe=False, appid=APPID, aes_key=AES_KEY):
        self.client = client
        self.token = token
        self.crypto = WeChatCrypto(token, aes_key, appid) if safe else None
        self.sequence = 0

    def message_xml(self, content: str, openid=OPENID, msg_id=None, msg_type="text") -> str:
        self.sequence += 1
        msg_id = msg_id or str(6_000_000_000_000_000_000 + self.sequence)
        body = f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId>"
        if msg_type == "event":
            body = f"<Event><![CDATA[{content}]]></Event>"
        return (
            f"<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName>"
            f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime>"
            f"<MsgType><![CDATA[{msg_type}]]></MsgType>{body}</xml>"
        )

    def post(self, xml: str, nonce=None, timestamp=None, signature=None):
        self.sequence += 1
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or f"{self.sequence:09d}"
        query = {
            "timestamp": timestamp,
            "nonce": nonce,
            "openid": OPENID,
            "signature": signature or sign(self.token, timestamp, nonce),
        }
        if self.crypto:
            encrypted = xmltodict.parse(self.crypto.encrypt_message(xml, nonce, timestamp))["xml"]
            query["encrypt_type"] = "aes"
            query["msg_signature"] = encrypted["MsgSignature"]
            xml = (
                f"<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName>"
                f"<Encrypt><![CDATA[{encrypted['Encrypt']}]]></Encrypt></xml>"
            )
        path = "/wechat/?" + "&".join(f"{k}={v}" for k, v in query.items())
        response = self.client.post(path, data=xml, content_type="text/xml")
        response.query = query
        return response

    def say(self, content: str, **kwargs) -> str:
        """Send a text; the reply's content (decrypted in safe mode)."""
        response = self.post(self.message_xml(content, **kwargs))
        assert response.status_code == 200, response.content
        xml = response.content.decode()
        if self.crypto:
            # The reply carries its own signature, timestamp and nonce; decryption checks them.
            outer = xmltodict.parse(xml)["xml"]
            assert outer["Nonce"] == response.query["nonce"]
            xml = self.crypto.decrypt_message(
                xml, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"]
            )
        reply = xmltodict.parse(xml)["xml"]
        assert reply["ToUserName"] == OPENID and reply["MsgType"] == "text"
        return reply["Content"]


@pytest.fixture
def wechat_settings(settings):
    settings.WENNUAN_WECHAT_TOKEN = TOKEN
    settings.WENNUAN_WECHAT_APPID = APPID
    settings.WENNUAN_WECHAT_AES_KEY = AES_KEY
    return settings


@pytest.fixture
def wechat(client, wechat_settings, season, personas):
    return SimulatedWeChat(client)


def test_url_check_echoes_only_with_the_right_signature(client, wechat_settings):
    timestamp, nonce = "1700000000", "12345"
    good = {"signature": sign(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
    response = client.get("/wechat/", {**good, "echostr": "5837397520665436492"})
    assert response.status_code == 200 and response.content == b"5837397520665436492"
    forged = client.get("/wechat/", {**good, "nonce": "12346", "echostr": "x"})
    assert forged.status_code == 403 and b"x" not in forged.content


def test_a_clear_message_creates_an_order_and_the_reply_names_it(wechat, small_city):
    content = wechat.say("剑桥学府3号楼2单元501暖气不热，家里只有15度")
    order = WorkOrder.objects.get()
    assert order.number in content
    assert order.community.name == "剑桥学府" and order.company == small_city.north
    assert (order.category, order.building, order.room) == ("not_warm", "3", "501")
    assert order.channel == "web" and order.phone == ""
    assert WechatMessage.objects.get().order == order


def test_one_question_then_the_conversation_continues(wechat, small_city):
    question = wechat.say("我家暖气不热，屋里才14度")
    assert "哪个小区" in question
    assert not WorkOrder.objects.exists()
    assert WechatConversation.objects.get(openid=OPENID).question == "community"
    answer = wechat.say("金盾小区")
    order = WorkOrder.objects.get()
    assert order.number in answer
    assert order.community.name == "金盾小区" and order.category == "not_warm"
    assert order.stated_temp_c == 14
    assert not WechatConversation.objects.exists()


def test_safe_mode_message_and_encrypted_reply(client, wechat_settings, season, personas):
    safe = SimulatedWeChat(client, safe=True)
    content = safe.say("金鼎小区5号楼漏水了，楼道里都是水")
    order = WorkOrder.objects.get()
    assert order.number in content and order.category == "leak"


def test_wechatpy_known_answer_vector_through_the_endpoint(client, settings, db):
    settings.WENNUAN_WECHAT_TOKEN = VECTOR_TOKEN
    settings.WENNUAN_WECHAT_APPID = VECTOR_APPID
    settings.WENNUAN_WECHAT_AES_KEY = VECTOR_AES_KEY
    moment = datetime.fromtimestamp(int(VECTOR_TIMESTAMP), tz=UTC)
    with time_machine.travel(moment, tick=False):
        query = (
            f"timestamp={VECTOR_TIMESTAMP}&nonce={VECTOR_NONCE}&encrypt_type=aes"
            f"&signature={sign(VECTOR_TOKEN, VECTOR_TIMESTAMP, VECTOR_NONCE)}"
            f"&msg_signature={VECTOR_MSG_SIGNATURE}"
        )
        response = client.post(f"/wechat/?{query}", data=VECTOR_XML, content_type="text/xml")
        assert response.status_code == 200, response.content
        crypto = WeChatCrypto(VECTOR_TOKEN, VECTOR_AES_KEY, VECTOR_APPID)
        encrypted = xmltodict.parse(response.content)["xml"]
        reply = crypto.decrypt_message(
            response.content, encrypted["MsgSignature"], VECTOR_TIMESTAMP, VECTOR_NONCE
        )
    reply = xmltodict.parse(reply)["xml"]
    # The vector's message is the text "test" from "messense": no community, so a question.
    assert reply["ToUserName"] == "messense" and "哪个小区" in reply["Content"]
    assert WechatMessage.objects.get().text == "test"
    # The same vector with one bit of the signature changed is refused.
    with time_machine.travel(moment, tick=False):
        forged = query.replace(VECTOR_MSG_SIGNATURE, "0" + VECTOR_MSG_SIGNATURE[1:])
        WechatMessage.objects.all().delete()
        response = client.post(f"/wechat/?{forged}", data=VECTOR_XML, content_type="text/xml")
    assert response.status_code == 403


def test_wechat_retry_gets_the_same_answer_and_no_second_order(wechat, small_city):
    xml = wechat.message_xml("剑桥学府暖气不热", msg_id="7000000000000000001")
    first = wechat.post(xml)
    again = wechat.post(xml)  # WeChat retries with a new nonce when we answered late
    assert first.status_code == again.status_code == 200
    assert WorkOrder.objects.count() == 1
    number = WorkOrder.objects.get().number
    assert number in first.content.decode() and number in again.content.decode()


@pytest.mark.parametrize(
    "attack",
    ["forged_signature", "replayed_nonce", "stale_timestamp", "twenty_kilobytes", "bad_openid"],
)
def test_refusals_create_nothing_and_are_logged(wechat, small_city, caplog, attack):
    clear = "剑桥学府3号楼暖气不热"
    if attack == "forged_signature":
        response = wechat.post(wechat.message_xml(clear), signature="0" * 40)
    elif attack == "replayed_nonce":
        ok = wechat.post(
            wechat.message_xml("你好"), nonce="424242", timestamp=str(int(time.time()))
        )
        assert ok.status_code == 200
        response = wechat.post(
            wechat.message_xml(clear), nonce="424242", timestamp=ok.query["timestamp"]
        )
    elif attack == "stale_timestamp":
        response = wechat.post(wechat.message_xml(clear), timestamp=str(int(time.time()) - 3600))
    elif attack == "twenty_kilobytes":
        response = wechat.post(wechat.message_xml(clear + "很冷" * 5000))
    else:
        response = wechat.post(wechat.message_xml(clear, openid="<script>"))
    assert response.status_code in (400, 403)
    assert not WorkOrder.objects.exists()
    assert "wechat callback refused" in caplog.text


def test_a_10_kb_text_is_answered_politely_without_an_order(wechat, small_city, caplog):
    text = "剑桥学府暖气不热" + "真的很冷" * 850
    assert len(text.encode()) > 10_000
    reply = wechat.say(text)
    assert "过长" in reply and not WorkOrder.objects.exists()
    assert "wechat text of 3408 characters" in caplog.text


def test_subscribe_welcome_and_menu_link_the_public_pages(wechat, settings):
    settings.WENNUAN_PUBLIC_URL = "https://heat.example.gov.cn"
    response = wechat.post(wechat.message_xml("subscribe", msg_type="event"))
    content = xmltodict.parse(response.content)["xml"]["Content"]
    assert "https://heat.example.gov.cn/complaint/" in content
    menu = menu_definition("https://heat.example.gov.cn")
    urls = [button["url"] for button in menu["button"]]
    assert urls == [
        "https://heat.example.gov.cn/complaint/",
        "https://heat.example.gov.cn/lookup/",
        "https://heat.example.gov.cn/directory/",
        "https://heat.example.gov.cn/info/notices/",
    ]


def test_without_a_token_the_callback_is_unavailable(client, settings, db):
    settings.WENNUAN_WECHAT_TOKEN = ""
    assert client.get("/wechat/", {"echostr": "x"}).status_code == 404


def test_menu_command_prints_the_menu(capsys):
    import json

    from django.core.management import CommandError, call_command

    call_command("wechat_menu", "--base-url", "https://heat.example.gov.cn")
    menu = json.loads(capsys.readouterr().out)
    assert [b["name"] for b in menu["button"]] == ["我要反映", "工单查询", "小区名录", "供热公告"]
    with pytest.raises(CommandError):
        call_command("wechat_menu", "--base-url", "heat.example.gov.cn")
