"""Contract test of the national platform client against the local simulator over HTTP."""

from __future__ import annotations

import json
import time

import pytest

from integrations.national_platform.client import NationalPlatformClient, NationalPlatformError
from integrations.national_platform.signing import signature
from integrations.national_platform.simulator import NationalPlatformSimulator, serve

MACHINE = {
    "filing_number": "沪T112-2026-00001",
    "machine_type": "tower_crane",
    "factory_serial_no": "TC6010-22118",
    "owner_credit_code": "91310112MA1G8E5F6X",
}


@pytest.fixture
def remote():
    sim = NationalPlatformSimulator(app_id="jianguan", secret="s3cret")
    with serve(sim) as url:
        yield sim, NationalPlatformClient(base_url=url, app_id="jianguan", secret="s3cret", timeout=5)


def test_verify_then_code_is_idempotent_per_reference(remote):
    sim, client = remote
    assert client.verify_machine(**MACHINE)["verified"] is True
    args = {"reference": "jianguan-use-1", "filing_number": MACHINE["filing_number"],
            "user_credit_code": "91310115MA1K4A1B2X", "district_code": "310115"}
    code = client.request_code(**args)
    assert code.startswith("TC310115") and client.request_code(**args) == code
    assert client.request_code(**{**args, "reference": "jianguan-use-2"}) != code


def test_code_for_an_unverified_machine_is_a_permanent_error(remote):
    _sim, client = remote
    with pytest.raises(NationalPlatformError) as exc:
        client.request_code(reference="r", filing_number="沪X-0", user_credit_code="9131", district_code="310115")
    assert exc.value.status == 409 and exc.value.permanent


def test_wrong_secret_is_refused(remote):
    sim, _client = remote
    with serve(sim) as url:
        bad = NationalPlatformClient(base_url=url, app_id="jianguan", secret="wrong")
        with pytest.raises(NationalPlatformError) as exc:
            bad.verify_machine(**MACHINE)
    assert exc.value.status == 401


def test_a_replayed_request_is_refused(remote):
    sim, _client = remote
    body = json.dumps(MACHINE).encode()
    ts = str(int(time.time()))
    headers = {"X-App-Id": "jianguan", "X-Timestamp": ts, "X-Nonce": "n1",
               "X-Signature": signature("s3cret", app_id="jianguan", timestamp=ts, nonce="n1", method="POST",
                                        path="/api/v1/machines/verify", body=body)}
    assert sim.handle("POST", "/api/v1/machines/verify", headers, body)[0] == 200
    assert sim.handle("POST", "/api/v1/machines/verify", headers, body)[0] == 401


def test_outage_is_a_retryable_error(remote):
    sim, client = remote
    sim.down = True
    with pytest.raises(NationalPlatformError) as exc:
        client.verify_machine(**MACHINE)
    assert exc.value.status == 503 and not exc.value.permanent


def test_unreachable_platform_is_a_retryable_error():
    client = NationalPlatformClient(base_url="http://127.0.0.1:9", app_id="a", secret="b", timeout=1)
    with pytest.raises(NationalPlatformError) as exc:
        client.verify_machine(**MACHINE)
    assert not exc.value.permanent


def test_only_http_urls_or_local_are_accepted():
    with pytest.raises(ValueError, match="NATIONAL_PLATFORM_URL"):
        NationalPlatformClient(base_url="file:///etc/passwd", app_id="a", secret="b")
