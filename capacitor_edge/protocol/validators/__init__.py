"""The OCPP 1.6 validators generated at build time, one module per schema file (see
capacitor_edge/protocol/validator_code.py; imported by name from protocol/schemas.py)."""
