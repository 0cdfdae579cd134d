"""Settings of site load management (issue 16): how often and by how much the load controller
changes what chargers may draw. The site itself (circuits, chargers, meter) is a document kept
by the box (`PUT /api/v1/site`), not a setting."""

from __future__ import annotations

from dataclasses import dataclass, field

from capacitor_edge.settings.checks import doc, non_negative_check, positive_check


@dataclass(frozen=True)
class LoadSettings:
    load_threshold_a: float = field(
        default=1.0,
        metadata=doc(
            "Site load management: allocations are whole steps of this many amperes (at least "
            "0.1), and an increase is sent only when it is more than this (decreases always go "
            "out at once).",
            check=non_negative_check,
        ),
    )
    load_min_interval_s: float = field(
        default=60.0,
        metadata=doc(
            "Site load management: at most one increase per charger this often (limit "
            "changes wear chargers' flash; some reject frequent profiles).",
            check=non_negative_check,
        ),
    )
    load_headroom_after_s: float = field(
        default=120.0,
        metadata=doc(
            "Site load management: a session drawing well under its allocation this long "
            "gives the rest to the others (and gets it back when it draws more).",
            check=positive_check,
        ),
    )
    load_rotation_interval_s: float = field(
        default=900.0,
        metadata=doc(
            "Site load management: while sessions are paused for want of capacity, the "
            "longest-charged ones make way for them this often.",
            check=positive_check,
        ),
    )
