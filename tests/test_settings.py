"""Settings: defaults, precedence (TOML < environment < flags), errors that name the key."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from capacitor_edge.app.cli import build_parser, settings_from
from capacitor_edge.app.serve import FD_RESERVE, charger_capacity
from capacitor_edge.settings import HostPort, Settings, SettingsError, load_settings
from tests.conftest import make_settings

#: The "Every setting" table lives here (the README points to it).
CONFIGURATION_DOC = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"


def write_toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "capacitor-edge.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_match_design() -> None:
    settings = load_settings(None, {}, {})
    assert settings.http == HostPort("0.0.0.0", 8080)
    assert settings.ocpp == HostPort("0.0.0.0", 9000)
    assert settings.data_dir == Path("./capacitor-data")
    assert settings.heartbeat_interval_s == 300
    assert settings == Settings()


def test_toml_then_env_then_flags(tmp_path: Path) -> None:
    config = write_toml(
        tmp_path,
        'data_dir = "/from/toml"\nhttp = "127.0.0.1:1111"\nocpp = "127.0.0.1:2222"\n'
        "heartbeat_interval_s = 100\n",
    )
    env = {
        "CAPACITOR_EDGE_HTTP": "127.0.0.1:3333",
        "CAPACITOR_EDGE_OCPP": "127.0.0.1:4444",
        "UNRELATED_VARIABLE": "ignored",
    }
    flags: dict[str, str | None] = {"ocpp": "127.0.0.1:5555", "data_dir": None}

    settings = load_settings(config, env, flags)

    assert settings.data_dir == Path("/from/toml")  # only in TOML (the flag is unset)
    assert settings.heartbeat_interval_s == 100  # only in TOML
    assert settings.http == HostPort("127.0.0.1", 3333)  # env beats TOML
    assert settings.ocpp == HostPort("127.0.0.1", 5555)  # flag beats env and TOML


def test_cli_reads_config_env_and_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_toml(tmp_path, 'http = "127.0.0.1:1111"\nlog_level = "debug"\n')
    monkeypatch.setenv("CAPACITOR_EDGE_CONFIG", str(config))
    monkeypatch.setenv("CAPACITOR_EDGE_LOG_LEVEL", "warning")
    args = build_parser().parse_args(["serve", "--data-dir", str(tmp_path / "d")])

    settings = settings_from(args)

    assert settings.http == HostPort("127.0.0.1", 1111)
    assert settings.log_level == "warning"
    assert settings.data_dir == tmp_path / "d"


def test_unknown_toml_key_names_it(tmp_path: Path) -> None:
    config = write_toml(tmp_path, "heartbeat_interval = 30\n")
    with pytest.raises(SettingsError, match="heartbeat_interval"):
        load_settings(config, {}, {})


def test_unknown_env_var_names_it() -> None:
    with pytest.raises(SettingsError, match="CAPACITOR_EDGE_HTTP_PORT"):
        load_settings(None, {"CAPACITOR_EDGE_HTTP_PORT": "8080"}, {})


@pytest.mark.parametrize(
    ("key", "toml_value"),
    [
        ("heartbeat_interval_s", "-1"),
        ("heartbeat_interval_s", "0"),
        ("heartbeat_interval_s", '"often"'),
        ("heartbeat_interval_s", "1.5"),
        ("heartbeat_interval_s", "true"),
        ("heartbeat_grace_s", "-0.5"),
        ("max_connections", "[1]"),
        ("http", "8080"),
        ("http", '"8080"'),
        ("http", '"localhost"'),
        ("http", '"localhost:http"'),
        ("http", '"localhost:70000"'),
        ("ocpp", '":9000"'),
        ("public_url", '"http://gateway.local:9000"'),
        ("public_url", "42"),
        ("log_level", '"verbose"'),
        ("data_dir", "1"),
    ],
)
def test_bad_toml_value_names_the_key(tmp_path: Path, key: str, toml_value: str) -> None:
    config = write_toml(tmp_path, f"{key} = {toml_value}\n")
    with pytest.raises(SettingsError) as raised:
        load_settings(config, {}, {})
    assert key in str(raised.value)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("heartbeat_interval_s", "-5"),
        ("heartbeat_interval_s", "five"),
        ("call_timeout_s", "0"),
        ("http", "127.0.0.1"),
        ("http", "127.0.0.1:-1"),
        ("public_url", "gateway.local:9000"),
    ],
)
def test_bad_env_value_names_the_key(key: str, value: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(None, {"CAPACITOR_EDGE_" + key.upper(): value}, {})
    assert key.upper() in str(raised.value) or key in str(raised.value)


@pytest.mark.parametrize(("key", "value"), [("ocpp", "nowhere"), ("public_url", "https://x")])
def test_bad_flag_value_names_the_key(key: str, value: str) -> None:
    with pytest.raises(SettingsError, match=key.replace("_", "[-_]")):
        load_settings(None, {}, {key: value})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("call_timeout_s", "nan"),
        ("heartbeat_grace_s", "nan"),
        ("ws_ping_interval_s", "nan"),
        ("shutdown_timeout_s", "nan"),
        ("shutdown_timeout_s", "inf"),
    ],
)
def test_non_finite_durations_are_refused(key: str, value: str) -> None:
    # A NaN timeout passes "> 0"/">= 0" checks (every comparison with NaN is false) and then
    # crashes trio.fail_after at run time; infinity for a shutdown bound defeats the bound.
    with pytest.raises(SettingsError, match=key):
        load_settings(None, {"CAPACITOR_EDGE_" + key.upper(): value}, {})


def test_unreadable_or_invalid_config_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"missing\.toml"):
        load_settings(tmp_path / "missing.toml", {}, {})
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(write_toml(tmp_path, "http = \n"), {}, {})


def test_settings_are_frozen() -> None:
    settings = load_settings(None, {}, {})
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.heartbeat_interval_s = 10  # type: ignore[misc]


def test_public_url_makes_the_charger_base_url() -> None:
    settings = load_settings(None, {}, {"public_url": "wss://gw.example:9443/"})
    assert settings.charger_base_url() == "wss://gw.example:9443"
    settings = load_settings(None, {}, {"ocpp": "10.0.0.5:9001"})
    assert settings.charger_base_url() == "ws://10.0.0.5:9001"


def setting_rows() -> dict[str, list[list[str]]]:
    """The "Every setting" table of docs/configuration.md, by setting name: its cells per row.

    Only the one contiguous table under the heading counts, so a setting mentioned in passing
    elsewhere on the page is not taken for documented."""
    text = re.sub(r"<!--.*?-->", "", CONFIGURATION_DOC.read_text(encoding="utf-8"), flags=re.S)
    lines = text.splitlines()
    start = lines.index("## Every setting")
    table = [line for line in lines[start + 1 :] if line.strip()]
    rows: dict[str, list[list[str]]] = {}
    for line in table[2:]:  # past the header and its |---| line
        if not line.startswith("|"):
            break  # the end of the table
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        rows.setdefault(cells[0].strip("`"), []).append(cells)
    return rows


def documented_default(cell: str) -> str:
    """The default as the table writes it: the first `code` span, or "empty" for ""."""
    if cell.startswith("empty"):
        return ""
    match = re.match(r"`([^`]*)`", cell)
    assert match is not None, f"default cell {cell!r} starts with neither `value` nor empty"
    return match.group(1)


@pytest.mark.parametrize("field", dataclasses.fields(Settings), ids=lambda f: f.name)
def test_every_setting_has_one_row_in_the_settings_table(field: dataclasses.Field[Any]) -> None:
    rows = setting_rows().get(field.name, [])
    assert len(rows) == 1, f"docs/configuration.md has {len(rows)} rows for `{field.name}`"
    _, default, variable, meaning = rows[0]
    assert documented_default(default) == str(field.default)
    assert variable == f"`CAPACITOR_EDGE_{field.name.upper()}`"
    assert meaning


def test_the_settings_table_documents_no_setting_that_is_gone() -> None:
    names = {f.name for f in dataclasses.fields(Settings)}
    assert set(setting_rows()) - names == set()


def test_charger_capacity_leaves_file_descriptors_for_the_rest(tmp_path: Path) -> None:
    """Chargers may not take the last file descriptors (the REST API would stop answering)."""
    settings = make_settings(tmp_path, max_connections=20000)
    assert charger_capacity(settings, 20000) == 20000 - FD_RESERVE
    assert charger_capacity(settings, 1_048_576) == 20000
    assert charger_capacity(make_settings(tmp_path, max_connections=10), 20000) == 10
