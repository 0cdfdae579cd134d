"""The dashboard for facility staff (issue 18): HTML pages and their script, served by the same
Quart-Trio app as the REST API. The pages' script reads and changes the box through the REST API
itself, authenticated by the login cookie (:mod:`capacitor_edge.api.web_session`)."""
