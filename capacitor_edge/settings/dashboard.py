"""The dashboard's settings (issue 18): how long a login lasts and how fast passwords may be
guessed. A base class of :class:`capacitor_edge.settings.Settings`."""

from __future__ import annotations

from dataclasses import dataclass, field

from capacitor_edge.settings.checks import doc, positive_check


@dataclass(frozen=True)
class DashboardSettings:
    dashboard_idle_timeout_min: int = field(
        default=30,
        metadata=doc(
            "A dashboard login ends after this many minutes without a request from its browser.",
            check=positive_check,
        ),
    )
    dashboard_login_failures_per_min: int = field(
        default=5,
        metadata=doc(
            "Failed dashboard logins allowed per source address per minute (token bucket); past "
            "it, the login page answers 429 until a token is back.",
            check=positive_check,
        ),
    )
