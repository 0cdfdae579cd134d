"""``capacitor-edge simulate``: many simulated OCPP 1.6J charge points in one Trio process.

A client of the appliance, never part of it: it speaks OCPP-J over WebSockets (``link``), uses
``capacitor_edge.protocol`` for framing and schema checks, and the REST API over HTTP
(``api_client``) for registration and the self-test. It imports nothing of the server's layers.
"""
