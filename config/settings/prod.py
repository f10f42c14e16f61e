"""Production: every secret from the environment; refuse to start without them."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_int, env_list, env_secret, env_str

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_secret("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
XINFANG_FIELD_KEY = env_secret("XINFANG_FIELD_KEY")
XINFANG_ANCHOR_KEY = env_secret("XINFANG_ANCHOR_KEY")
for _name, _value in (
    ("DJANGO_SECRET_KEY", SECRET_KEY),
    ("DJANGO_ALLOWED_HOSTS", ALLOWED_HOSTS),
    ("XINFANG_FIELD_KEY", XINFANG_FIELD_KEY),
    ("XINFANG_ANCHOR_KEY", XINFANG_ANCHOR_KEY),
):
    if not _value:
        raise ImproperlyConfigured(f"{_name} must be set in the environment for production.")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# E-mail goes out by SMTP (EMAIL_HOST etc. from the environment) unless another backend is named.
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
