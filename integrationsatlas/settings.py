"""Django settings, read from the environment so one code base serves laptop and production."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from integrationsatlas.core.email_url import EmailUrlError, parse_email_url

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


VAR_DIR = Path(os.environ.get("INTEGRATIONSATLAS_VAR_DIR", BASE_DIR / "var"))
DATA_DIR = Path(os.environ.get("INTEGRATIONSATLAS_DATA_DIR", BASE_DIR / "data"))

DEBUG = env_bool("DEBUG")


def _secret_key() -> str:
    """SECRET_KEY from the environment; on a workstation a key generated once under var/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if env_bool("INTEGRATIONSATLAS_PRODUCTION"):
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# Django's own deploy check (security.W009) asks for this much; weaker keys can be guessed.
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_CHARACTERS = 5


def _refuse_unsafe_production() -> None:
    """Production mode does not start with DEBUG on or a short SECRET_KEY (warnings get missed)."""
    if not env_bool("INTEGRATIONSATLAS_PRODUCTION"):
        return
    if DEBUG:
        raise ImproperlyConfigured(
            "DEBUG is on in production mode (INTEGRATIONSATLAS_PRODUCTION=1): set DEBUG=0. "
            "Error pages would show settings and source code to every visitor."
        )
    if (
        len(SECRET_KEY) < MIN_SECRET_KEY_LENGTH
        or len(set(SECRET_KEY)) < MIN_SECRET_KEY_CHARACTERS
        or SECRET_KEY.startswith("django-insecure-")
    ):
        raise ImproperlyConfigured(
            f"SECRET_KEY is too weak for production: at least {MIN_SECRET_KEY_LENGTH} characters "
            f"with {MIN_SECRET_KEY_CHARACTERS} different ones (has {len(SECRET_KEY)}). "
            'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )


_refuse_unsafe_production()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "ninja",
    "integrationsatlas.core",
    "integrationsatlas.regions",
    "integrationsatlas.taxonomy",
    "integrationsatlas.registry",
    "integrationsatlas.standards",
    "integrationsatlas.assessments",
    "integrationsatlas.finder",
    "integrationsatlas.planning",
    "integrationsatlas.api",
    "integrationsatlas.interchange",
    "integrationsatlas.transit",
    "integrationsatlas.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before sessions, CSRF and locale: a cached finder page needs none of them.
    "integrationsatlas.finder.pagecache.PageCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "integrationsatlas.urls"
WSGI_APPLICATION = "integrationsatlas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "integrationsatlas.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'integrationsatlas.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A busy timeout keeps concurrent writers (web + CLI) from failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Sign-in rate limit: five failures per user name and address lock for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ENABLED = env_bool("AXES_ENABLED", True)

LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", _("Deutsch")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("fa", _("Persian")),
    ("tr", _("Turkish")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"  # a preference for this site only; never sent along cross-site

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

# Uploads (imports) are bounded so one request cannot exhaust memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Security: strict by default, HTTPS-only switches behind INTEGRATIONSATLAS_HTTPS.
HTTPS = env_bool("INTEGRATIONSATLAS_HTTPS")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *env_list("MAP_TILE_HOSTS", "")],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Map: no tiles unless configured; then Leaflet draws regions from their boundaries.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

# Geocoder for sites without coordinates (regions/geocoder.py): off unless a Nominatim- or
# Photon-compatible search URL is set; then it refines the offline postal-code estimate.
GEOCODER_URL = os.environ.get("GEOCODER_URL", "")
GEOCODER_ATTRIBUTION = os.environ.get("GEOCODER_ATTRIBUTION", "")
GEOCODER_MIN_INTERVAL_SECONDS = float(os.environ.get("GEOCODER_MIN_INTERVAL_SECONDS", "1.0"))
GEOCODER_TIMEOUT_SECONDS = float(os.environ.get("GEOCODER_TIMEOUT_SECONDS", "5"))
GEOCODER_CACHE_SECONDS = int(os.environ.get("GEOCODER_CACHE_SECONDS", str(90 * 24 * 3600)))
GEOCODER_USER_AGENT = os.environ.get("GEOCODER_USER_AGENT", "Integrationsatlas (geocoder client)")

# "finder_pages": rendered finder result pages for anonymous visitors (finder/pagecache.py).
# In each worker's memory by default; with REDIS_URL every worker and server shares them.
FINDER_PAGE_CACHE_ENTRIES = int(os.environ.get("FINDER_PAGE_CACHE_ENTRIES", "4000"))
FINDER_PAGE_MAX_AGE_SECONDS = int(os.environ.get("FINDER_PAGE_MAX_AGE_SECONDS", "600"))
# Travel minutes by bus and train beside each result (transit/finder_times.py): the window
# "DAYS HH:MM-HH:MM EVERY" (departures, median) and the limit beyond which none is shown.
FINDER_TRANSIT_WINDOW = os.environ.get("FINDER_TRANSIT_WINDOW", "werktags 07:00-09:00 10")
FINDER_TRANSIT_MAX_MINUTES = int(os.environ.get("FINDER_TRANSIT_MAX_MINUTES", "90"))
# How often a process asks whether new minutes were computed (pages built before are dropped).
FINDER_TRANSIT_CHECK_SECONDS = float(os.environ.get("FINDER_TRANSIT_CHECK_SECONDS", "10"))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "integrationsatlas",
    },
    "finder_pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "integrationsatlas-finder-pages",
        "OPTIONS": {"MAX_ENTRIES": max(FINDER_PAGE_CACHE_ENTRIES, 1)},
    },
}
# Rendered region PDFs (planning/pdfcache.py): files, so every worker on the host shares them.
CACHES["reports"] = {
    "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
    "LOCATION": str(VAR_DIR / "cache" / "reports"),
    "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("REPORT_PDF_CACHE_ENTRIES", "1000"))},
}
REPORT_PDF_CACHE_SECONDS = int(os.environ.get("REPORT_PDF_CACHE_SECONDS", "86400"))
REPORT_PDF_ANONYMOUS_PER_MINUTE = int(os.environ.get("REPORT_PDF_ANONYMOUS_PER_MINUTE", "6"))
if os.environ.get("REDIS_URL"):
    CACHES["reports"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": "integrationsatlas-reports",
    }
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": "integrationsatlas",
    }
    CACHES["finder_pages"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": "integrationsatlas-finder",
    }

# E-mail (notifications): one URL, see core/email_url.py; printed to the log by default.
try:
    _EMAIL = parse_email_url(os.environ.get("EMAIL_URL", "console:"))
except EmailUrlError as error:
    raise ImproperlyConfigured(str(error)) from error
EMAIL_BACKEND = _EMAIL["EMAIL_BACKEND"]
EMAIL_FILE_PATH = _EMAIL.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = _EMAIL.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _EMAIL.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _EMAIL.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _EMAIL.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _EMAIL.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _EMAIL.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _EMAIL.get("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Integrationsatlas <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address links in e-mails point to (no request to take it from in the notify command).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
