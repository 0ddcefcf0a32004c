"""Bounded contexts, one Django app each (``organisations``, ``contracts``, ``enterprises``, ``personnel``,
``machinery``, ``sites``, ...): models with FSM-guarded states, ``services.py`` for writes and ``selectors.py``
for reads. Services are registered by name so BPMN service tasks can call them."""
