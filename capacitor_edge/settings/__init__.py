"""The appliance's settings: one frozen object, built from a TOML file, then ``CAPACITOR_EDGE_*``
environment variables, then command-line flags (later sources win).

Every field carries its own documentation; docs/configuration.md lists them all and a test checks
that it does. Unknown keys and bad values are errors that name the key: a typo in a config file on a
gateway in a car park must not be silently ignored.
"""

from capacitor_edge.settings.fields import Settings
from capacitor_edge.settings.loading import CONFIG_ENV, ENV_PREFIX, FIELDS, load_settings
from capacitor_edge.settings.values import HostPort, SettingsError

__all__ = [
    "CONFIG_ENV",
    "ENV_PREFIX",
    "FIELDS",
    "HostPort",
    "Settings",
    "SettingsError",
    "load_settings",
]
