"""Messages to a WeChat subscriber through the Official Account API (wechatpy's client): a
template message when ``WENNUAN_WECHAT_TEMPLATE_ID`` is set (the template has one field,
``{{content.DATA}}``), otherwise a customer-service text (allowed within 48 h of the
subscriber's last message). ``WENNUAN_WECHAT_API_BASE`` points the client elsewhere (a test
server); the access token comes from ``<base>token`` with ``WENNUAN_WECHAT_APPID`` and
``WENNUAN_WECHAT_SECRET`` and is cached by the client until it expires."""

from django.conf import settings
from wechatpy import WeChatClient

DEFAULT_API_BASE = "https://api.weixin.qq.com/cgi-bin/"


class _Client(WeChatClient):
    def __init__(self, appid, secret, api_base):
        super().__init__(appid, secret, timeout=10)
        self.API_BASE_URL = api_base

    def fetch_access_token(self):
        # wechatpy fixes the token URL to api.weixin.qq.com; the base is a setting here.
        return self._fetch_access_token(
            url=self.API_BASE_URL + "token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )


_clients: dict = {}


def client() -> WeChatClient:
    appid = settings.WENNUAN_WECHAT_APPID
    secret = getattr(settings, "WENNUAN_WECHAT_SECRET", "")
    base = getattr(settings, "WENNUAN_WECHAT_API_BASE", "") or DEFAULT_API_BASE
    if not base.endswith("/"):
        base += "/"
    key = (appid, secret, base)
    if key not in _clients:
        _clients[key] = _Client(appid, secret, base)
    return _clients[key]


def send_to_subscriber(openid: str, text: str) -> None:
    """Raises wechatpy's WeChatClientException (or a requests error) on failure."""
    template_id = getattr(settings, "WENNUAN_WECHAT_TEMPLATE_ID", "")
    if template_id:
        client().message.send_template(openid, template_id, {"content": {"value": text}})
    else:
        client().message.send_text(openid, text)
