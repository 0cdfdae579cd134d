"""The upstream adapter (issue 20): one OCPP 1.6 WebSocket to the upstream central system per
online charger, as that charger (docs/local-controller.md)."""
