"""The session benchmark's Django site: SessionMiddleware alone, one view, no debug, persistent connections.

SESSION_KIND picks the store: "db" (django_session on the PostgreSQL database DJANGO_BENCH_DB) or "cache" (Redis
through django-redis, Debian's python3-django-redis, since Django 3.2 has no Redis backend of its own).
"""
import os

SECRET_KEY = "benchmark-only-secret-key-not-for-production-use-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "benchsite.urls"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.sessions"]
MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware"]
USE_TZ = True
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("DJANGO_BENCH_DB", "django_bench"),
        "USER": "postgres",
        "PASSWORD": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
        "CONN_MAX_AGE": 600,  # a connection per worker thread, kept: what a production site sets
    }
}
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": os.environ.get("DJANGO_BENCH_REDIS", "redis://127.0.0.1:6379/11"),
    }
}
SESSION_ENGINE = {
    "db": "django.contrib.sessions.backends.db",
    "cache": "django.contrib.sessions.backends.cache",
}[os.environ.get("SESSION_KIND", "db")]
LOGGING_CONFIG = None
