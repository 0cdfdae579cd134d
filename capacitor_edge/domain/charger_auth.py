"""Old name of :mod:`capacitor_edge.domain.charger_credentials`, kept only for
``capacitor_edge/transport/`` until the half-open-sockets branch (h-mem) that rewrites it is
merged; then its imports move to ``charger_credentials`` and this module goes (issue 13)."""

from capacitor_edge.domain.charger_credentials import ChargerAuth, LinkCredentials, RefusalKind

__all__ = ["ChargerAuth", "LinkCredentials", "RefusalKind"]
