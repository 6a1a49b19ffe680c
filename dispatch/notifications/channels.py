"""Where a notification goes, chosen by its subscription URL's scheme — one interface, adapters:

- ``https://…`` / ``http://…``: a signed webhook POST (``webhooks.py``);
- ``mailto:qa@plant.example``: an e-mail through the deployment's SMTP server
  (``AFTERSALES_SMTP_*``);
- ``wecom+https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…``: a text message to a WeChat
  Work (企业微信) group robot, for the people on call.

In-app notification is the live stream itself (the console and the engineer's app). Another
channel (SMS through a provider's HTTP API, FCM/JPush) is one more class with ``send`` and a
scheme in ``CHANNELS``. Every adapter raises ``DeliveryFailed`` when the message was not taken:
the job queue retries it.
"""

from __future__ import annotations

import json
import smtplib
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import httpx
from anyio import to_thread

from dispatch.errors import InvalidInput
from dispatch.notifications.webhooks import MAX_URL, SIGNATURE_HEADER, check_url, signature

TIMEOUT_S = 10.0


class DeliveryFailed(Exception):
    """The channel did not take the message (a status other than 2xx, no answer, SMTP refusal)."""


@dataclass(frozen=True, slots=True)
class Message:
    delivery_id: str
    kind: str
    target: str
    secret: str
    payload: dict[str, Any]

    def body(self) -> bytes:
        return json.dumps({"id": self.delivery_id, **self.payload}, ensure_ascii=False).encode()

    def summary(self) -> str:
        """One line a person reads: the event, and the ticket or plan it is about."""
        data = self.payload.get("data") or {}
        what = data.get("number") or self.payload.get("subject") or ""
        status = data.get("status")
        return f"{self.kind} {what}" + (f" ({status})" if status else "")


class Channel(Protocol):
    def check(self, target: str) -> str:
        """The target as stored, or ``InvalidInput`` naming ``url``."""
        ...

    async def send(self, message: Message) -> int | None:
        """Deliver; the receiver's status code where there is one. Raises ``DeliveryFailed``."""
        ...


@dataclass(frozen=True, slots=True)
class WebhookChannel:
    client: httpx.AsyncClient
    allow_private: bool

    def check(self, target: str) -> str:
        return check_url(target, allow_private=self.allow_private)

    async def send(self, message: Message) -> int | None:
        await to_thread.run_sync(self.check, message.target)  # DNS may have changed since
        body = message.body()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "aftersales-webhooks",
            "X-Aftersales-Event": message.kind,
            "X-Aftersales-Delivery": message.delivery_id,
            SIGNATURE_HEADER: signature(message.secret, int(time.time()), body),
        }
        return await _post(self.client, message.target, body, headers)


async def _post(client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str]) -> int:
    try:
        response = await client.post(url, content=body, headers=headers, timeout=TIMEOUT_S)
    except httpx.HTTPError as error:
        raise DeliveryFailed(f"{type(error).__name__}: {error}") from None
    if not 200 <= response.status_code < 300:
        raise DeliveryFailed(f"the receiver answered {response.status_code}", response.status_code)
    return response.status_code


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = False


@dataclass(frozen=True, slots=True)
class EmailChannel:
    smtp: SmtpSettings | None

    def check(self, target: str) -> str:
        if self.smtp is None:
            raise InvalidInput("url", "e-mail needs an SMTP server: set AFTERSALES_SMTP_HOST")
        address = _address(target)
        if not address:
            raise InvalidInput("url", "mailto: needs one address, e.g. mailto:qa@plant.example")
        return f"mailto:{address}"

    async def send(self, message: Message) -> int | None:
        if self.smtp is None:
            raise DeliveryFailed("no SMTP server configured (AFTERSALES_SMTP_HOST)")
        mail = EmailMessage()
        mail["From"] = self.smtp.sender
        mail["To"] = _address(message.target)
        mail["Subject"] = f"[aftersales] {message.summary()}"
        mail["X-Aftersales-Delivery"] = message.delivery_id
        mail.set_content(
            f"{message.summary()}\n\n{json.dumps(message.payload, ensure_ascii=False, indent=2)}\n"
        )
        try:
            await to_thread.run_sync(self._send, mail)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryFailed(f"{type(error).__name__}: {error}") from None
        return None

    def _send(self, mail: EmailMessage) -> None:
        assert self.smtp is not None
        with smtplib.SMTP(self.smtp.host, self.smtp.port, timeout=TIMEOUT_S) as server:
            if self.smtp.starttls:
                server.starttls()
            if self.smtp.user:
                server.login(self.smtp.user, self.smtp.password or "")
            server.send_message(mail)


def _address(target: str) -> str:
    raw = unquote(target.removeprefix("mailto:").split("?", 1)[0])
    _, address = parseaddr(raw)
    local, _, domain = address.partition("@")
    if not local or not domain or "," in raw or " " in address:
        return ""
    return address


@dataclass(frozen=True, slots=True)
class WeComChannel:
    """A WeChat Work group robot: ``wecom+https://…/webhook/send?key=…`` (the key is the secret)."""

    client: httpx.AsyncClient
    allow_private: bool

    def check(self, target: str) -> str:
        return _check_wecom(target, self.allow_private)

    async def send(self, message: Message) -> int | None:
        inner = message.target.removeprefix("wecom+")
        await to_thread.run_sync(lambda: check_url(inner, allow_private=self.allow_private))
        text = {"msgtype": "text", "text": {"content": f"售后 aftersales: {message.summary()}"}}
        body = json.dumps(text, ensure_ascii=False).encode()
        return await _post(self.client, inner, body, {"Content-Type": "application/json"})


def _scheme(target: str) -> str:
    scheme = urlsplit(target).scheme.lower()
    if scheme in ("http", "https"):
        return "webhook"
    if scheme == "mailto":
        return "email"
    if scheme.startswith("wecom+"):
        return "wecom"
    raise InvalidInput("url", "http(s)://… (webhook), mailto:… (e-mail) or wecom+https://… (WeChat Work)")


def check_target(target: str, *, allow_private: bool, smtp: SmtpSettings | None) -> str:
    """A subscription's URL as stored, or ``InvalidInput`` naming ``url`` (may resolve DNS)."""
    if len(target) > MAX_URL:
        raise InvalidInput("url", f"at most {MAX_URL} characters")
    kind = _scheme(target)
    if kind == "email":
        return EmailChannel(smtp).check(target)
    if kind == "wecom":
        return _check_wecom(target, allow_private)
    return check_url(target, allow_private=allow_private)


def _check_wecom(target: str, allow_private: bool) -> str:
    inner = target.removeprefix("wecom+")
    check_url(inner, allow_private=allow_private)
    if "key=" not in (urlsplit(inner).query or ""):
        raise InvalidInput("url", "a WeChat Work robot URL carries its key: …/webhook/send?key=…")
    return target


@dataclass(frozen=True, slots=True)
class Channels:
    webhook: WebhookChannel
    email: EmailChannel
    wecom: WeComChannel

    def for_target(self, target: str) -> Channel:
        kind = _scheme(target)
        return self.email if kind == "email" else self.wecom if kind == "wecom" else self.webhook
