"""Settings, read once from the environment (prefix ``WCC_``)."""

from __future__ import annotations

import os
import secrets
from datetime import date
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

BASE_DIR = Path(__file__).resolve().parent.parent


class Environment(StrEnum):
    DEVELOPMENT = "development"
    DEMO = "demo"
    TEST = "test"
    PRODUCTION = "production"


class MailWorker(StrEnum):
    """Where the outbox is delivered from: a thread of the web process, or only by
    ``wcc worker``."""

    EMBEDDED = "embedded"
    OFF = "off"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WCC_", extra="ignore")

    env: Environment = Environment.DEVELOPMENT
    database_url: str = ""
    data_dir: Path = BASE_DIR / "var" / "files"
    # Where attachments and cached reports are kept (app.storage.location): unset, the folder
    # data_dir; s3://BUCKET?endpoint=http://HOST:PORT for object storage shared by machines.
    storage_url: str = ""
    secret_key: SecretStr | None = None
    max_upload_mb: int = 25
    # The largest request body other than a file upload (JSON, a plain form), in MB.
    max_body_mb: int = Field(default=4, ge=1, le=1024)
    cookie_secure: bool = False
    frameworks_dir: Path = BASE_DIR / "competencies"
    default_framework: str = "wcc-2008"
    # The date deadlines and overdue actions are counted from, for a copy whose story is set
    # in the past (the demonstration); unset, today's.
    today: date | None = None
    sqlite_busy_timeout_ms: int = 15_000
    # Connections each worker keeps open (and as many again at a peak). Below the number of
    # requests in flight, connections would be opened and closed on every request.
    database_pool_size: int = Field(default=20, ge=1, le=200)
    # Requests of one worker working on the database at once (see app.db.get_session); the
    # pool must be at least this large.
    database_concurrency: int = Field(default=min(4, os.cpu_count() or 2), ge=1, le=200)
    token_minutes: int = 8 * 60
    session_hours: int = 12
    # How long what was typed into a form whose session had ended is kept for its author to
    # sign in again and find it back in the form (app.auth.kept_forms).
    kept_form_hours: int = Field(default=24, ge=1, le=7 * 24)
    # Renderer processes (app.reports.pool). At least two, so that one organisation's reports
    # never hold every renderer: there is always one for another organisation's report.
    report_workers: int = Field(default=max(2, (os.cpu_count() or 2) - 1), ge=1, le=64)
    report_queue: int = 16
    # The longest one report may render: past it, its renderer is stopped and the caller told
    # (503). Below the render lease (app.reports.cache.LEASE_SECONDS) so no other server
    # takes over a render still under way.
    report_render_seconds: float = Field(default=120, gt=0, le=170)
    # Rendered reports kept on disk (app.reports.cache); 0 turns the cache off.
    report_cache_mb: int = Field(default=256, ge=0)
    # The proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (uvicorn's
    # forwarded_allow_ips): a comma-separated list of addresses or networks, or "*". Behind a
    # proxy on another machine, name it here, or every sign-in seems to come from the proxy.
    forwarded_allow_ips: str = "127.0.0.1"
    # The host names the service answers to, comma-separated ("*.example.nhs.uk" allowed);
    # unset, any. Redirects never name the requested host either way (app.security_headers).
    allowed_hosts: str = ""
    # Sign-in throttling (app.auth.service): this many failures for one account from one
    # address lock that address out of the account for the window; as many for one account
    # from anywhere make its failing addresses wait, longer with each failure; this many from
    # one address for any account make that address wait likewise. No account is locked.
    sign_in_failures_per_account: int = 5
    sign_in_failures_per_address: int = 30
    sign_in_window_minutes: int = 15
    # Mail (app.mail): with no SMTP URL mail waits in the outbox, read at /admin/outbox.
    smtp_url: SecretStr | None = None
    mail_from: str = "WCC Assurance Tracker <no-reply@wcc.nhs.test>"
    base_url: str = "http://127.0.0.1:8000"
    # `wcc serve` on SQLite sets embedded unless told otherwise; elsewhere `wcc worker` sends.
    mail_worker: MailWorker = MailWorker.OFF
    # Invitations and password reset (app.invitations): how long each single-use link works,
    # and how many reset requests one address, or one client, may make in the window.
    invitation_days: int = Field(default=7, ge=1, le=90)
    password_reset_minutes: int = Field(default=60, ge=5, le=24 * 60)
    password_resets_per_account: int = Field(default=3, ge=1)
    password_resets_per_address: int = Field(default=20, ge=1)
    password_reset_window_minutes: int = Field(default=60, ge=1)

    @model_validator(mode="after")
    def _require_secret_in_production(self) -> Settings:
        if self.env is Environment.PRODUCTION and not self.secret_key:
            raise ValueError("WCC_SECRET_KEY must be set when WCC_ENV=production")
        if self.database_pool_size < self.database_concurrency:
            raise ValueError(
                "WCC_DATABASE_POOL_SIZE must be at least WCC_DATABASE_CONCURRENCY "
                f"({self.database_pool_size} < {self.database_concurrency})"
            )
        from app.storage.location import StorageUrlError, parse

        try:
            parse(self.storage_url, self.data_dir)
        except StorageUrlError as exc:
            raise ValueError(f"WCC_STORAGE_URL: {exc}") from None
        if self.max_upload_mb < 1:
            raise ValueError("WCC_MAX_UPLOAD_MB must be at least 1")
        return self

    @property
    def var_dir(self) -> Path:
        return BASE_DIR / "var"

    @property
    def sqlalchemy_url(self) -> str:
        """The configured database URL, or the embedded SQLite file under ``./var``."""
        if self.database_url:
            return normalise_database_url(self.database_url)
        return f"sqlite:///{self.var_dir / 'wcc.db'}"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def max_body_bytes(self) -> int:
        return self.max_body_mb * 1024 * 1024

    def signing_key(self) -> str:
        """The key that signs tokens and cookies.

        Outside production an unset key is generated once and kept under ``./var``, so
        sign-ins survive a restart of a development server.
        """
        if self.secret_key:
            return self.secret_key.get_secret_value()
        key_file = self.var_dir / "secret_key"
        if key_file.exists():
            return key_file.read_text().strip()
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key


def normalise_database_url(url: str) -> str:
    """Let ``postgresql://`` and ``postgres://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@lru_cache
def get_settings() -> Settings:
    return Settings()
