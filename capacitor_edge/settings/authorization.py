"""Settings of issue 17: how idTags are authorized, what the box puts on the chargers'
local authorization lists, the site's offline policy and reservations."""

from __future__ import annotations

from dataclasses import dataclass, field

from capacitor_edge.settings.checks import doc, on_off_check, positive_check


def optional_boolean_check(value: str) -> None:
    if value not in {"", "true", "false"}:
        raise ValueError("must be 'true', 'false' or empty (leave the charger's own value)")


@dataclass(frozen=True)
class AuthorizationSettings:
    concurrent_tx: str = field(
        default="on",
        metadata=doc(
            "`on`: in `list` mode an idTag that already has a transaction in progress is "
            "answered `ConcurrentTx` on Authorize and StartTransaction (per tag: the other "
            "tags of its group may still charge).",
            check=on_off_check,
        ),
    )
    local_list_sync: str = field(
        default="on",
        metadata=doc(
            "`on`: when the id-tag list changes, each online charger that supports "
            "LocalAuthListManagement gets a differential SendLocalList, and a charger that "
            "boots is brought up to date.",
            check=on_off_check,
        ),
    )
    authorization_cache_enabled: str = field(
        default="",
        metadata=doc(
            "`true`/`false`: set the chargers' `AuthorizationCacheEnabled` after each boot; "
            "empty leaves it alone.",
            check=optional_boolean_check,
        ),
    )
    local_authorize_offline: str = field(
        default="",
        metadata=doc(
            "`true`/`false`: set the chargers' `LocalAuthorizeOffline` after each boot; "
            "empty leaves it alone.",
            check=optional_boolean_check,
        ),
    )
    local_pre_authorize: str = field(
        default="",
        metadata=doc(
            "`true`/`false`: set the chargers' `LocalPreAuthorize` after each boot; empty "
            "leaves it alone.",
            check=optional_boolean_check,
        ),
    )
    reservation_sweep_s: float = field(
        default=5.0,
        metadata=doc(
            "Seconds between checks for reservations past their `expiryDate` (marked "
            "`expired`, with a `reservation.expired` event).",
            check=positive_check,
        ),
    )

    def site_authorization_policy(self) -> dict[str, str]:
        """The configuration keys to set on every charger after its boot."""
        keys = {
            "AuthorizationCacheEnabled": self.authorization_cache_enabled,
            "LocalAuthorizeOffline": self.local_authorize_offline,
            "LocalPreAuthorize": self.local_pre_authorize,
        }
        return {key: value for key, value in keys.items() if value}
