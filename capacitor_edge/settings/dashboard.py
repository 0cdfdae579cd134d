"""The dashboard's settings (issue 18): how long a login lasts and how fast passwords may be
guessed, the site load chart's sampling, the self-test's bound. A base class of
:class:`capacitor_edge.settings.Settings`."""

from __future__ import annotations

from dataclasses import dataclass, field

from capacitor_edge.settings.checks import doc, positive_check

#: A week of samples at most: the history is in memory.
MAX_LOAD_HISTORY_HOURS = 168.0


def history_hours_check(value: float) -> None:
    if not 0 < value <= MAX_LOAD_HISTORY_HOURS:
        raise ValueError(f"must be greater than 0 and at most {MAX_LOAD_HISTORY_HOURS:g}")


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
    load_history_interval_s: float = field(
        default=30.0,
        metadata=doc(
            "The site load view's chart: each circuit's limit, allocation and measured draw "
            "are sampled this often (kept in memory, lost on restart).",
            check=positive_check,
        ),
    )
    load_history_hours: float = field(
        default=6.0,
        metadata=doc(
            "The site load view's chart: samples are kept this many hours (at most 168).",
            check=history_hours_check,
        ),
    )
    selftest_timeout_s: float = field(
        default=60.0,
        metadata=doc(
            "The installer view's self-test (run from the dashboard) gives up after this many "
            "seconds.",
            check=positive_check,
        ),
    )
