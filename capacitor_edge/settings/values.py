"""The value types settings are made of, and the error a bad one raises."""

from __future__ import annotations

from dataclasses import dataclass


class SettingsError(ValueError):
    """A setting is unknown or has a bad value; the message names the key and the source."""


@dataclass(frozen=True, order=True)
class HostPort:
    host: str
    port: int

    @classmethod
    def parse(cls, text: str) -> HostPort:
        host, sep, port_text = text.rpartition(":")
        if not sep or not port_text.isdigit():
            raise ValueError(f"expected HOST:PORT, got {text!r}")
        port = int(port_text)
        if not 0 <= port <= 65535:
            raise ValueError(f"port {port} is out of range 0-65535")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        if not host:
            raise ValueError(f"expected HOST:PORT, got {text!r}")
        return cls(host, port)

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"
