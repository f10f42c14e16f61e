from .base import *  # noqa: F403
from .base import BASE_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
XINFANG_FIELD_KEY = "dGVzdC1rZXktZm9yLXhpbmZhbmctdGVzdHMtb25seSE="  # fixed 32-byte test key
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
XINFANG_INDEX_KEY = "aW5kZXgta2V5LWZvci14aW5mYW5nLXRlc3RzLW9ubHk="  # fixed test index key
# Tasks run at once, in the enqueuing request; tests that need a real worker switch to the database
# backend (petitions/tests/test_import_worker.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Per-process memory: tests without the database can still use the cache. The shared caches of base.py
# (database, Redis) are tested in portal/tests/test_throttle_shared.py.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "xinfang-local"},
}
XINFANG_ANCHOR_KEY = "dGVzdC1hbmNob3Ita2V5LWZvci14aW5mYW5nLXRlc3Q="  # fixed 32-byte Ed25519 seed, tests only
XINFANG_ANCHOR_FILE = BASE_DIR / "var" / "test-anchors.jsonl"
XINFANG_SMS_LOG_FILE = BASE_DIR / "var" / "test-sms-outbox.log"
XINFANG_PORTAL_URL = "https://xf.example.cn/portal/"
