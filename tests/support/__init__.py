"""Helpers shared by tests (real third-party OCPP charger driver)."""
