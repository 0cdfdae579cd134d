"""``capacitor-edge certs init`` and ``certs charger``, run as the real CLI in a subprocess."""

from __future__ import annotations

import ipaddress
import os
import re
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import trio
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TIMEOUT_S = 30.0


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("CAPACITOR_EDGE_")}


async def certs(*args: str, expect: int = 0) -> subprocess.CompletedProcess[bytes]:
    with trio.fail_after(TIMEOUT_S):
        result = await trio.run_process(
            [sys.executable, "-m", "capacitor_edge", "certs", *args],
            capture_stdout=True,
            capture_stderr=True,
            check=False,
            env=clean_env(),
        )
    assert result.returncode == expect, result.stderr.decode()
    return result


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def common_name(certificate: x509.Certificate) -> str:
    return str(certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)


async def test_init_makes_a_site_ca_and_a_server_certificate(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = await certs(
        "init", "--data-dir", str(data), "--host", "gw.site.local", "--ip", "192.168.1.10"
    )
    out = result.stdout.decode()
    folder = (data / "certs").absolute()
    assert mode(folder) == 0o700
    for name in ("ca.pem", "ca.key", "server.pem", "server.key"):
        assert mode(folder / name) == 0o600, name
        assert str(folder / name) in out
    # The settings to use, ready to paste into the TOML config.
    assert f'tls_cert_file = "{folder / "server.pem"}"' in out
    assert f'tls_key_file = "{folder / "server.key"}"' in out
    assert f'tls_client_ca_file = "{folder / "ca.pem"}"' in out

    ca, server = load(folder / "ca.pem"), load(folder / "server.pem")
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    server.verify_directly_issued_by(ca)
    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["gw.site.local"]
    assert names.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("192.168.1.10")]
    usage = server.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.SERVER_AUTH in usage
    now = datetime.now(UTC)
    assert server.not_valid_after_utc - now > timedelta(days=800)

    # Run again (a new host name): the CA is kept, so charger certificates stay valid.
    again = await certs("init", "--data-dir", str(data), "--host", "gw2.site.local")
    assert "kept" in again.stdout.decode()
    assert load(folder / "ca.pem") == ca
    renewed = load(folder / "server.pem")
    assert renewed.serial_number != server.serial_number
    renewed.verify_directly_issued_by(ca)


async def test_init_without_names_uses_this_host(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await certs("init", "--data-dir", str(data), "--days", "20")
    server = load(data / "certs" / "server.pem")
    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    assert ipaddress.ip_address("127.0.0.1") in names.get_values_for_type(x509.IPAddress)
    left = server.not_valid_after_utc - datetime.now(UTC)
    assert timedelta(days=19) < left <= timedelta(days=20)


async def test_charger_certificates_for_profile_3(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await certs("init", "--data-dir", str(data), "--ip", "127.0.0.1")
    result = await certs("charger", "CP:7/A", "--data-dir", str(data), "--p12")
    out = result.stdout.decode()
    chargers = (data / "certs" / "chargers").absolute()
    stem = "CP%3A7%2FA"  # any chargeBoxId makes a plain file name
    cert_path, key_path, p12_path = (chargers / f"{stem}.{x}" for x in ("pem", "key", "p12"))
    for path in (cert_path, key_path, p12_path):
        assert mode(path) == 0o600
        assert str(path) in out
    assert mode(chargers) == 0o700
    certificate = load(cert_path)
    assert common_name(certificate) == "CP:7/A"
    certificate.verify_directly_issued_by(load(data / "certs" / "ca.pem"))
    usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.CLIENT_AUTH in usage

    password = re.search(r"PKCS#12 password \(shown once\): (\S+)", out)
    assert password is not None
    key, bundled, extra = pkcs12.load_key_and_certificates(
        p12_path.read_bytes(), password.group(1).encode()
    )
    assert key is not None and bundled == certificate
    assert [common_name(c) for c in extra] == [common_name(load(data / "certs" / "ca.pem"))]

    chosen = await certs(
        "charger", "CP-8", "--data-dir", str(data), "--p12", "--p12-password", "s3cret-pass"
    )
    assert "shown once" not in chosen.stdout.decode()
    pkcs12.load_key_and_certificates((chargers / "CP-8.p12").read_bytes(), b"s3cret-pass")


async def test_charger_before_init_says_what_to_do(tmp_path: Path) -> None:
    result = await certs("charger", "CP-1", "--data-dir", str(tmp_path / "data"), expect=2)
    assert b"run `capacitor-edge certs init` first" in result.stderr


async def test_bad_address_is_refused(tmp_path: Path) -> None:
    result = await certs(
        "init", "--data-dir", str(tmp_path / "data"), "--ip", "not-an-ip", expect=2
    )
    assert b"not-an-ip" in result.stderr
