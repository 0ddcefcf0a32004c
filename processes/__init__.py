"""Procedures as BPMN 2.0 processes. ``engine/`` is the one front door to SpiffWorkflow (definitions,
versioning, durable instances, locking, service-task registry, timers, messages, restricted expressions);
``models/<procedure>/`` holds the ``.bpmn`` files and their JSON-Schema forms."""
