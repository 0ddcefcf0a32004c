"""The SMS client against the simulator over real HTTP, and the contract's error cases."""

import pytest

from integrations.sms.client import SmsClient, SmsGatewayError
from integrations.sms.simulator import SmsGatewaySimulator, serve


@pytest.fixture
def gateway():
    sim = SmsGatewaySimulator(app_id="jg", secret="s3cret")
    with serve(sim) as url:
        yield sim, url


def test_send_and_delivery_status(gateway):
    sim, url = gateway
    client = SmsClient(base_url=url, app_id="jg", secret="s3cret")
    msg_id = client.send(phone="13800138000", text="测试短信", ref="r1")
    assert sim.messages[msg_id]["text"] == "测试短信"
    assert client.status(msg_id) == "delivered"


def test_bad_signature_is_refused_permanently(gateway):
    _, url = gateway
    client = SmsClient(base_url=url, app_id="jg", secret="wrong")
    with pytest.raises(SmsGatewayError) as exc:
        client.send(phone="13800138000", text="x", ref="r")
    assert exc.value.permanent


def test_invalid_phone_is_a_permanent_error(gateway):
    _, url = gateway
    with pytest.raises(SmsGatewayError, match="invalid phone") as exc:
        SmsClient(base_url=url, app_id="jg", secret="s3cret").send(phone="12", text="x", ref="r")
    assert exc.value.permanent


def test_gateway_down_is_retryable(gateway):
    sim, url = gateway
    sim.down = True
    with pytest.raises(SmsGatewayError) as exc:
        SmsClient(base_url=url, app_id="jg", secret="s3cret").send(phone="13800138000", text="x", ref="r")
    assert not exc.value.permanent


def test_unreachable_gateway_is_retryable():
    with pytest.raises(SmsGatewayError) as exc:
        SmsClient(base_url="http://127.0.0.1:9", app_id="jg", secret="s", timeout=1).send(
            phone="13800138000", text="x", ref="r"
        )
    assert not exc.value.permanent


def test_only_http_urls_are_accepted():
    with pytest.raises(ValueError):
        SmsClient(base_url="file:///etc/passwd", app_id="a", secret="b")
