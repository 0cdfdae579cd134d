"""The site over REST (issue 16): ``/api/v1/site`` validated as a whole (400 naming the field),
``/api/v1/site/load`` and the building meter pushed by an EMS, against a real appliance."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import trio

from tests.conftest import Appliance
from tests.test_id_tags_api import assert_error

TIMEOUT_S = 15.0
SITE = "/api/v1/site"

CAR_PARK: dict[str, Any] = {
    "circuits": [
        {"id": "grid", "name": "Grid connection", "parentId": None, "maxCurrentA": 100},
        {"id": "east", "name": "Feeder east", "parentId": "grid", "maxCurrentA": 63},
        {
            "id": "west",
            "name": "Feeder west (L2 only)",
            "parentId": "grid",
            "maxCurrentA": 32,
            "phases": 1,
            "phaseConnection": ["L2"],
        },
    ],
    "chargers": [
        {"chargeBoxId": "CP-1", "circuitId": "east", "maxCurrentA": 32},
        {
            "chargeBoxId": "CP-2",
            "circuitId": "east",
            "maxCurrentA": 32,
            "phaseConnection": ["L2", "L3", "L1"],
            "priority": 2,
        },
        {
            "chargeBoxId": "CP-3",
            "circuitId": "west",
            "phases": 1,
            "phaseConnection": ["L2"],
            "maxCurrentA": 16,
        },
    ],
    "fallbackLimitA": 40,
    "meter": {"source": "rest", "staleAfterS": 600},
}


def changed(path: list[str | int], value: Any) -> dict[str, Any]:
    """The car park with one value replaced (or removed, for None in a list position)."""
    document = copy.deepcopy(CAR_PARK)
    target: Any = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return document


async def test_the_site_round_trips_and_its_load_is_shown(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            missing = await client.get(SITE)
            assert_error(missing, 404, "NOT_FOUND", "No site")
            put = await client.put(SITE, json=CAR_PARK)
            assert put.status_code == 200, put.text
            site = (await client.get(SITE)).json()
            assert site == put.json()
            assert [c["id"] for c in site["circuits"]] == ["grid", "east", "west"]
            assert site["chargers"][1]["phaseConnection"] == ["L2", "L3", "L1"]
            assert site["meter"]["source"] == "rest"
            load = (await client.get(f"{SITE}/load")).json()
            grid = next(c for c in load["circuits"] if c["id"] == "grid")
            # No building reading yet: the chargers get the fallback limit.
            assert grid["limitA"] == [40.0, 40.0, 40.0]
            west = next(c for c in load["circuits"] if c["id"] == "west")
            assert west["limitA"] == [None, 32.0, None]
            assert load["connectors"] == []
            events = await client.get("/api/v1/events", params={"types": "site.limit_changed"})
            assert events.status_code == 200, events.text
            assert events.json()["events"][0]["data"]["maxCurrentA"] == 100


async def test_a_pushed_building_load_lowers_the_root_limit(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            assert (await client.put(SITE, json=CAR_PARK)).status_code == 200
            pushed = await client.put(f"{SITE}/meter", json={"currentA": [30, 20.5, 0]})
            assert pushed.status_code == 200, pushed.text
            assert pushed.json()["buildingA"] == [30.0, 20.5, 0.0]
            while True:
                load = (await client.get(f"{SITE}/load")).json()
                grid = next(c for c in load["circuits"] if c["id"] == "grid")
                if not load["meter"]["stale"] and grid["limitA"] == [70.0, 79.5, 100.0]:
                    break
                await trio.sleep(0.01)
            health = (await client.get("/health")).json()
            assert health["site"]["meter"] == "fresh"
            metrics = (await client.get("/metrics")).text
            assert 'capacitor_edge_site_circuit_limit_amperes{circuit="grid",phase="L2"} 79.5' in (
                metrics
            )
            assert 'capacitor_edge_site_circuit_limit_amperes{circuit="west",phase="L2"}' in metrics
            assert 'circuit="west",phase="L1"' not in metrics  # a phase it does not carry


async def test_a_grid_meter_takes_off_what_the_chargers_report(appliance: Appliance) -> None:
    """With ``measures: grid`` and no charger reporting yet, the whole reading is the other
    load (the safe side); the meter shows the reading and what it takes as the building's."""
    document = changed(["meter", "measures"], "grid")
    document["solar"] = {"enabled": True, "minimumA": 6}
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            put = await client.put(SITE, json=document)
            assert put.status_code == 200, put.text
            assert put.json()["meter"]["measures"] == "grid"
            assert put.json()["solar"] == {"enabled": True, "minimumA": 6.0}
            pushed = await client.put(f"{SITE}/meter", json={"currentA": [-12, 30, 0]})
            assert pushed.status_code == 200, pushed.text
            meter = pushed.json()
            assert meter["measures"] == "grid"
            assert meter["readingA"] == meter["buildingA"] == [-12.0, 30.0, 0.0]
            while True:
                load = (await client.get(f"{SITE}/load")).json()
                grid = next(c for c in load["circuits"] if c["id"] == "grid")
                # Solar: the export on L1, the minimum elsewhere.
                if grid["limitA"] == [12.0, 6.0, 6.0]:
                    break
                await trio.sleep(0.01)  # polling the box's view, not timing anything
            assert load["meter"]["solarA"] == [12.0, 6.0, 6.0]


async def test_a_meter_reading_needs_a_rest_meter(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            put = await client.put(SITE, json=changed(["meter"], {"source": "none"}))
            assert put.status_code == 200, put.text
            refused = await client.put(f"{SITE}/meter", json={"currentA": [1, 2, 3]})
            assert_error(refused, 400, "VALIDATION_ERROR", "meter.source")
            short = await client.put(f"{SITE}/meter", json={"currentA": [1, 2]})
            assert_error(short, 400, "VALIDATION_ERROR", "currentA")


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (changed(["circuits", 0, "parentId"], "west"), "circuits"),  # no root left
        (changed(["circuits", 1, "parentId"], "nowhere"), "circuits[1].parentId"),
        (changed(["circuits", 2, "id"], "east"), "circuits[2].id"),
        (changed(["circuits", 0, "maxCurrentA"], -5), "maxCurrentA"),
        (changed(["circuits", 0, "maxCurrentA"], "100"), "maxCurrentA"),
        (changed(["chargers", 0, "circuitId"], "north"), "chargers[0].circuitId"),
        (changed(["chargers", 0, "minCurrentA"], 40), "chargers[0].minCurrentA"),
        (changed(["chargers", 2, "phaseConnection"], ["L1"]), "chargers[2].phaseConnection"),
        (changed(["chargers", 1, "phaseConnection"], ["L1", "L1", "L2"]), "phaseConnection"),
        (changed(["chargers", 2, "chargeBoxId"], "CP-1"), "chargers[2].chargeBoxId"),
        (changed(["fallbackLimitA"], 200), "fallbackLimitA"),
        (changed(["meter"], {"source": "modbus"}), "meter.host"),
        (changed(["meter"], {"source": "modbus", "host": "h", "model": "x"}), "meter.model"),
        (changed(["meter"], {"source": "solar"}), "meter.source"),
        (changed(["meter"], {"source": "rest", "measures": "roof"}), "meter.measures"),
        (changed(["solar"], {"enabled": True, "minimumA": -1}), "solar.minimumA"),
        (changed(["solar"], {"enabled": True, "minimumA": 150}), "solar.minimumA"),
        ({**changed(["meter"], {"source": "none"}), "solar": {"enabled": True}}, "solar.enabled"),
    ],
)
async def test_a_bad_site_is_refused_naming_the_field(
    appliance: Appliance, document: dict[str, Any], field: str
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            response = await client.put(SITE, json=document)
            assert_error(response, 400, "VALIDATION_ERROR", field)
            # Nothing was kept.
            assert (await client.get(SITE)).status_code == 404


async def test_a_cycle_is_refused(appliance: Appliance) -> None:
    document = changed(["circuits", 1, "parentId"], "west")
    document["circuits"][2]["parentId"] = "east"
    document["circuits"][2]["phases"] = 3
    del document["circuits"][2]["phaseConnection"]
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            response = await client.put(SITE, json=document)
            assert_error(response, 400, "VALIDATION_ERROR", "parentId", "cycle")
