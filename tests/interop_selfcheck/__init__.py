"""Self-checks for tests/support against a throwaway in-test OCPP server."""
