"""SMS gateway (短信网关): a client and a local simulator that speaks the same contract.

Contract (JSON over HTTP):

* ``POST /v1/sms/send`` body ``{"phone", "text", "ref"}`` → ``200 {"msg_id", "status": "accepted"}``;
  ``400 {"error"}`` for a bad phone/text; ``401`` for a bad signature.
* ``GET /v1/sms/status/<msg_id>`` → ``{"msg_id", "status": "pending" | "delivered" | "failed"}``.
* Every request carries ``X-App-Id``, ``X-Timestamp`` and ``X-Signature`` = hex HMAC-SM3 over
  ``"<app id>\\n<timestamp>\\n<method> <path>\\n<body>"`` with the application secret.
"""
