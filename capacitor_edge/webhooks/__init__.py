"""Webhook delivery: an outbound adapter beside ``api`` and ``transport`` (DESIGN.md, "The
journal"). One worker per active webhook reads the journal after the webhook's cursor and POSTs
each event, signed per Standard Webhooks, until the receiver answers 2xx."""
