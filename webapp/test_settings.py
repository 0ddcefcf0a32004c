"""Settings for the test suite: the production settings with testing switched on (jobs eager, fast hashing).

The database and broker still come from the environment, so CI runs the suite on PostgreSQL and RabbitMQ."""

import os

os.environ["JIANGUAN_TESTING"] = "1"
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
os.environ.setdefault("JIANGUAN_VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test"))

from .settings import *  # noqa: E402,F403
