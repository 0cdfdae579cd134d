"""Whether the box can store what it acknowledges, as ``/health`` reports it."""

from __future__ import annotations

# The storage layer tracks its own state; the domain shows it as it is (``X as X``), so the
# adapters depend on the domain only.
from capacitor_edge.storage.space import StorageHealth as StorageHealth
