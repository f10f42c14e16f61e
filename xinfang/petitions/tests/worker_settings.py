"""Settings of a real task worker started by the tests (test_import_worker.py) in a subprocess.

The test settings with the database task backend, on the test run's own database (whose name the
test passes in XINFANG_TEST_DB_NAME: a SQLite file, or PostgreSQL's test_… database).
"""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DATABASES["default"]["NAME"] = os.environ["XINFANG_TEST_DB_NAME"]
