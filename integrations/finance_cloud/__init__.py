"""Finance cloud (财政云) exchange, M05: project information, award results and procurement contracts go out
through the outbox (channels ``finance_cloud.project``, ``finance_cloud.award``, ``finance_cloud.contract``).

Contract (JSON over HTTP):

* ``POST /v1/projects`` / ``/v1/awards`` / ``/v1/contracts`` with the record as the body →
  ``200 {"receipt_no", "duplicate": bool}``; ``400 {"error"}`` invalid record; ``401`` bad signature or stale
  timestamp; ``409`` the idempotency key was used for a different body; ``5xx`` try again later.
* Headers: ``X-App-Id``, ``X-Timestamp`` (Unix seconds, ±300 s), ``X-Nonce``, ``Idempotency-Key`` and
  ``X-Signature`` = hex HMAC-SM3 over ``"<app id>\\n<timestamp>\\n<nonce>\\n<idempotency key>\\n<METHOD> <path>\\n"``
  followed by the body, with the shared secret.

The same idempotency key always carries the same body, so a message resent after a lost answer is recorded once.
Settings: ``FINANCE_CLOUD_URL`` (``local`` = the in-process simulator), ``FINANCE_CLOUD_APP_ID``,
``FINANCE_CLOUD_SECRET`` (default: derived from the installation's ``SECRET_KEY``).
"""
