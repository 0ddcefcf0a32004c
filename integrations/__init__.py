"""Everything outside the platform: SMS gateway, finance cloud, national quality-and-safety platform, 一网通办
identity, video platforms; the event bus (pika) with a transactional outbox; Celery jobs (``jobs.py``) for outbound
calls with retries. Each external system is a client plus a local simulator that speaks its contract."""
