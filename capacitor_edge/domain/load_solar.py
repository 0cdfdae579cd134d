"""Solar-surplus mode (issue 16): the chargers charge from what the site exports. Pure: times
are ``trio.current_time()`` values handed in.

The surplus is smoothed so that a passing cloud does not flap the chargers' profiles: a new
surplus is taken only when it has stayed more than ``threshold_a`` away from the one in force
for ``min_interval_s`` (the same settings that pace profiles), and then at the least it was
over that time on each phase, so what is taken held all along. Importing a little from the
grid while a cloud passes costs money, not safety: the grid connection's own limit is applied
apart from this, at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Phases = tuple[float, float, float]


@dataclass
class SolarSurplus:
    #: The surplus in force, per site phase (None: no reading has come yet).
    taken: Phases | None = None
    #: Since when (trio time) the surplus is away from the one in force, and the least it
    #: was on each phase since then.
    away_since: float | None = None
    away_low: Phases | None = None

    @property
    def amperes(self) -> Phases:
        return self.taken if self.taken is not None else (0.0, 0.0, 0.0)

    def update(
        self,
        other_load: Phases | None,
        minimum_a: float,
        now: float,
        threshold_a: float,
        min_interval_s: float,
    ) -> bool:
        """Look at the site's other load now (negative: export); True if the surplus in force
        changed. The chargers may use the export, and never less than ``minimum_a``."""
        if other_load is None:
            return False
        target: Phases = (
            max(-other_load[0], minimum_a),
            max(-other_load[1], minimum_a),
            max(-other_load[2], minimum_a),
        )
        if self.taken is None:
            self.taken = target
            return True
        away = any(abs(t - k) > threshold_a for t, k in zip(target, self.taken, strict=True))
        if not away:
            self.away_since, self.away_low = None, None
            return False
        if self.away_since is None or self.away_low is None:
            self.away_since, self.away_low = now, target
        else:
            low = self.away_low
            self.away_low = (min(low[0], target[0]), min(low[1], target[1]), min(low[2], target[2]))
        if now - self.away_since < min_interval_s:
            return False
        self.taken, self.away_since, self.away_low = self.away_low, None, None
        return True

    def wake_at(self, min_interval_s: float) -> float:
        """When to look again so a surplus that stays away is taken on time."""
        return math.inf if self.away_since is None else self.away_since + min_interval_s
