"""Settings of the upstream mirror (issue 20: the box as an OCPP local controller between its
chargers and a hosted central system). docs/local-controller.md explains them."""

from __future__ import annotations

from dataclasses import dataclass, field

from capacitor_edge.settings.checks import doc, positive_check, public_url_check


@dataclass(frozen=True)
class UpstreamSettings:
    upstream_url: str = field(
        default="",
        metadata=doc(
            "Upstream central system (`ws://` or `wss://` base URL; `/{chargeBoxId}` is "
            "appended). Empty: no upstream, the box is the only central system.",
            check=public_url_check,
        ),
    )
    upstream_password: str = field(
        default="",
        metadata=doc(
            "Basic auth password the box presents upstream for every charger (OCPP 1.6 "
            "security profile 1/2); `upstream_passwords_file` overrides it per charger."
        ),
    )
    upstream_passwords_file: str = field(
        default="",
        metadata=doc(
            'JSON file `{"chargeBoxId": "password", ...}`: per-charger upstream Basic '
            "auth passwords."
        ),
    )
    upstream_ca_file: str = field(
        default="",
        metadata=doc(
            "PEM CA bundle that signs the upstream's `wss://` certificate (empty: the "
            "system's trust store)."
        ),
    )
    upstream_client_cert_file: str = field(
        default="",
        metadata=doc("PEM client certificate presented upstream (security profile 3)."),
    )
    upstream_client_key_file: str = field(
        default="",
        metadata=doc("PEM private key of `upstream_client_cert_file`."),
    )
    upstream_refused_actions: str = field(
        default="",
        metadata=doc(
            "Comma-separated upstream CALLs the box refuses locally (answered with a "
            "`SecurityError` CALLERROR, never relayed), e.g. `Reset,UpdateFirmware`."
        ),
    )
    upstream_backoff_max_s: float = field(
        default=60.0,
        metadata=doc(
            "Longest wait between upstream reconnect attempts (the wait doubles from 1 s).",
            check=positive_check,
        ),
    )
    upstream_call_timeout_s: float = field(
        default=30.0,
        metadata=doc(
            "How long the box waits for the upstream's answer to a forwarded message before "
            "it drops the link and reconnects.",
            check=positive_check,
        ),
    )

    def upstream_refused(self) -> frozenset[str]:
        return frozenset(a.strip() for a in self.upstream_refused_actions.split(",") if a.strip())
