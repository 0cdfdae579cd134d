"""What the interop charger (``ocpp_charger.py``) does with the Local Auth List Management and
Reservation profiles' messages, as OCPP 1.6 describes a charger doing it:

- GetLocalListVersion (§5.10): the version of the list it holds (0: none; -1 when the profile
  is not in its SupportedFeatureProfiles).
- SendLocalList (§5.15): NotSupported without the profile; Failed when the message is longer
  than SendLocalListMaxLength or the list would be longer than LocalAuthListMaxLength;
  VersionMismatch for a Differential update whose version is not newer than the list's; else
  Accepted, a Full update replacing the list and a Differential one changing it (an entry
  without idTagInfo removes the tag).
- ReserveNow (§5.13): Accepted, and the reservation kept (replacing one with the same id);
  CancelReservation (§5.1): Accepted for a reservation it holds, else Rejected.

Failure answers the tests want (Faulted, Occupied, ...) are set with ``respond`` as for any
action. The control command ``{"local_list": null}`` returns the list state; ``{"local_list":
{"version": 3, "entries": {...}}}`` sets it first (a charger that kept its list across a
reconnect: each connection is a new process).
"""

from __future__ import annotations

from typing import Any

JsonDict = dict[str, Any]


def _features(configuration: dict[str, tuple[str, bool]]) -> set[str]:
    profiles = configuration.get("SupportedFeatureProfiles", ("", True))[0]
    return {word.strip() for word in profiles.split(",")}


def _limit(configuration: dict[str, tuple[str, bool]], key: str) -> int | None:
    value = configuration.get(key)
    return None if value is None else int(value[0])


class AuthorizationBehaviour:
    def __init__(self, configuration: dict[str, tuple[str, bool]]) -> None:
        # The charger's configuration (shared with it, so `configure` changes apply here).
        self.configuration = configuration
        self.version = 0
        self.entries: dict[str, JsonDict] = {}
        self.reservations: dict[int, JsonDict] = {}

    def answers(self, action: str) -> bool:
        return action in {"GetLocalListVersion", "SendLocalList", "ReserveNow", "CancelReservation"}

    def answer(self, action: str, request: JsonDict) -> JsonDict:
        if action == "GetLocalListVersion":
            listed = "LocalAuthListManagement" in _features(self.configuration)
            return {"listVersion": self.version if listed else -1}
        if action == "SendLocalList":
            return {"status": self._send_local_list(request)}
        if action == "ReserveNow":
            self.reservations[int(request["reservationId"])] = request
            return {"status": "Accepted"}
        # CancelReservation
        found = self.reservations.pop(int(request["reservationId"]), None)
        return {"status": "Accepted" if found is not None else "Rejected"}

    def _send_local_list(self, request: JsonDict) -> str:
        if "LocalAuthListManagement" not in _features(self.configuration):
            return "NotSupported"
        items: list[JsonDict] = request.get("localAuthorizationList") or []
        send_max = _limit(self.configuration, "SendLocalListMaxLength")
        if send_max is not None and len(items) > send_max:
            return "Failed"
        version = int(request["listVersion"])
        if request["updateType"] == "Full":
            entries = {}
        elif version <= self.version:
            return "VersionMismatch"
        else:
            entries = dict(self.entries)
        for item in items:
            if "idTagInfo" in item:
                entries[item["idTag"]] = item["idTagInfo"]
            else:
                entries.pop(item["idTag"], None)
        list_max = _limit(self.configuration, "LocalAuthListMaxLength")
        if list_max is not None and len(entries) > list_max:
            return "Failed"
        self.entries, self.version = entries, version
        return "Accepted"

    def control(self, spec: JsonDict | None) -> JsonDict:
        if spec is not None:
            self.version = int(spec.get("version", self.version))
            self.entries = dict(spec.get("entries", self.entries))
        return {"local_list": {"version": self.version, "entries": self.entries}}
