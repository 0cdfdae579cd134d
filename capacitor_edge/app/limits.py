"""Process limits the appliance needs."""

from __future__ import annotations

import logging
import resource

log = logging.getLogger("capacitor_edge")

#: Used when the hard limit is "unlimited", which setrlimit will not take as a soft limit.
_UNLIMITED_CAP = 1 << 20


def raise_open_files_limit() -> int:
    """Raise the open-files soft limit to the hard limit and return it.

    Every charger is a socket: at the common default of 1024 the listener hit EMFILE and the REST
    API stopped answering (DESIGN.md).
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = _UNLIMITED_CAP if hard == resource.RLIM_INFINITY else hard
    if soft == resource.RLIM_INFINITY:
        return _UNLIMITED_CAP
    if soft >= target:
        return soft
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError) as error:
        log.warning("could not raise the open-files limit from %d to %d: %s", soft, target, error)
        return soft
    return target
