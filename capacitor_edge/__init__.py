"""capacitor-edge: a site-local OCPP 1.6J central system for parking-lot gateways."""

__version__ = "0.1.0"
