"""The fetcher's settings in one frozen object: time and size limits, the User-Agent, the
backoff, and the hosts opened explicitly (``PASSERELLE_FETCH_ALLOW``)."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from passerelle.translate import InvalidOptionError

from ..config import AppConfig


def default_user_agent() -> str:
    """Names Passerelle and its version, so a site's operator knows who reads it."""
    try:
        version = importlib.metadata.version("passerelle")
    except importlib.metadata.PackageNotFoundError:
        version = "dev"
    return f"Passerelle/{version} (self-hosted French-English translation; follows feeds and article links)"


@dataclass(frozen=True)
class FetchSettings:
    user_agent: str = field(default_factory=default_user_agent)
    # Seconds: to connect, between two reads, and for a whole answer (a server dripping one
    # byte every few seconds never trips the read timeout alone).
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    # Bodies are read as a stream and dropped at these sizes (after decompression).
    max_feed_bytes: int = 5_000_000
    max_page_bytes: int = 5_000_000
    max_robots_bytes: int = 500_000
    max_redirects: int = 5
    # After a failure (network, timeout, 429, 5xx) a host is not asked again for
    # base * 2**(failures - 1) seconds, at most max (Retry-After is honoured within max).
    backoff_base_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0
    robots_ttl_seconds: float = 3600.0
    # Hosts, IP addresses or networks (CIDR) fetched from although they are not public.
    allow: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> FetchSettings:
        """The settings' defaults, then the environment (read by AppConfig, with every other
        setting: ``PASSERELLE_FETCH_ALLOW``), then explicit overrides."""
        values = {key: value for key, value in overrides.items() if value is not None}
        settings = replace(cls.from_config(AppConfig.from_env(environ)), **values)  # type: ignore[arg-type]
        settings.validate()
        return settings

    @classmethod
    def from_config(cls, config: AppConfig) -> FetchSettings:
        """The defaults, and the hosts the settings open explicitly."""
        return cls(allow=config.fetch_allow)

    def validate(self) -> None:
        numbers = {
            "connect_timeout": self.connect_timeout,
            "read_timeout": self.read_timeout,
            "total_timeout": self.total_timeout,
            "max_feed_bytes": self.max_feed_bytes,
            "max_page_bytes": self.max_page_bytes,
            "max_robots_bytes": self.max_robots_bytes,
            "backoff_base_seconds": self.backoff_base_seconds,
            "backoff_max_seconds": self.backoff_max_seconds,
        }
        for name, value in numbers.items():
            if not isinstance(value, int | float) or value <= 0:
                raise InvalidOptionError(f"fetch setting {name} must be a positive number, got {value!r}")
        if not isinstance(self.max_redirects, int) or not 0 <= self.max_redirects <= 20:
            raise InvalidOptionError(f"fetch setting max_redirects must be 0 to 20, got {self.max_redirects!r}")

    def max_bytes(self, kind: str) -> int:
        return {"feed": self.max_feed_bytes, "page": self.max_page_bytes, "robots": self.max_robots_bytes}[kind]
