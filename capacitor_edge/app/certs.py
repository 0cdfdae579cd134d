"""The installer certificate kit: ``capacitor-edge certs init`` and ``certs charger ID``.

One site CA per box signs both the box's server certificate (chargers of security profiles 2
and 3 trust it as their "Central System root certificate") and the chargers' client
certificates (profile 3: the box trusts them through ``tls_client_ca_file``). Everything lives
in ``DATA_DIR/certs`` (0700), every file 0600. Keys are ECDSA P-256 with SHA-256 signatures, the
certificate type of the TLS suites the OCPP 1.6 Security Whitepaper requires
(ECDHE-ECDSA-AES128-GCM-SHA256).

``init`` keeps an existing CA (so client certificates already issued stay valid) and issues a
new server certificate each time it runs, e.g. to add a host name.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# The layout and errors live apart so that start-up need not import cryptography (cert_files.py).
from capacitor_edge.app.cert_files import BACKDATE as BACKDATE
from capacitor_edge.app.cert_files import CA_DAYS as CA_DAYS
from capacitor_edge.app.cert_files import CERTS_DIR as CERTS_DIR
from capacitor_edge.app.cert_files import CHARGER_DAYS as CHARGER_DAYS
from capacitor_edge.app.cert_files import CHARGERS_DIR as CHARGERS_DIR
from capacitor_edge.app.cert_files import SERVER_DAYS as SERVER_DAYS
from capacitor_edge.app.cert_files import ChargerFiles as ChargerFiles
from capacitor_edge.app.cert_files import KitError as KitError
from capacitor_edge.app.cert_files import SiteFiles as SiteFiles
from capacitor_edge.app.cert_files import private_dir as _private_dir
from capacitor_edge.app.cert_files import write_private as write_private


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _cert_pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _leaf(
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    now: datetime,
    days: int,
    usage: x509.ObjectIdentifier,
) -> x509.CertificateBuilder:
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
    )


def _new_ca(now: datetime, days: int) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = _new_key()
    subject = _name(f"capacitor-edge site CA ({socket.gethostname()})", "capacitor-edge")
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return certificate, key


def _load_ca(files: SiteFiles) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    if not files.ca_cert.exists() or not files.ca_key.exists():
        raise KitError(
            f"no site CA in {files.directory}: run `capacitor-edge certs init` first "
            "(with the same --data-dir)"
        )
    certificate = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise KitError(f"{files.ca_key} is not an EC private key")
    return certificate, key


@dataclass(frozen=True)
class InitResult:
    files: SiteFiles
    ca_created: bool
    hosts: list[str]
    addresses: list[str]


def init_site(
    data_dir: Path,
    hosts: list[str],
    addresses: list[str],
    *,
    now: datetime,
    days: int = SERVER_DAYS,
    ca_days: int = CA_DAYS,
) -> InitResult:
    """Create the site CA (unless there is one) and a new server certificate for ``hosts``
    (DNS names) and ``addresses`` (IP addresses)."""
    if not hosts and not addresses:
        raise KitError("name at least one --host or --ip for the server certificate")
    try:
        ips = [ipaddress.ip_address(a) for a in addresses]
    except ValueError as error:
        raise KitError(str(error)) from None
    files = SiteFiles.under(data_dir)
    _private_dir(files.directory)
    created = not files.ca_cert.exists()
    if created:
        ca_cert, ca_key = _new_ca(now, ca_days)
        write_private(files.ca_key, _key_pem(ca_key))
        write_private(files.ca_cert, _cert_pem(ca_cert))
    else:
        ca_cert, ca_key = _load_ca(files)
    key = _new_key()
    names: list[x509.GeneralName] = [x509.DNSName(h) for h in hosts]
    names += [x509.IPAddress(ip) for ip in ips]
    certificate = (
        _leaf(
            _name(hosts[0] if hosts else addresses[0], "capacitor-edge"),
            key,
            ca_cert,
            ca_key,
            now,
            days,
            ExtendedKeyUsageOID.SERVER_AUTH,
        )
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    write_private(files.server_key, _key_pem(key))
    write_private(files.server_cert, _cert_pem(certificate))
    return InitResult(files, created, hosts, [str(ip) for ip in ips])


def charger_file_stem(charge_box_id: str) -> str:
    """A file name for any chargeBoxId: percent-encoded, so never a path."""
    return quote(charge_box_id, safe="-_")


def issue_charger(
    data_dir: Path,
    charge_box_id: str,
    *,
    now: datetime,
    days: int = CHARGER_DAYS,
    p12: bool = False,
    p12_password: str | None = None,
) -> ChargerFiles:
    """A client certificate for security profile 3: subject CN = ``charge_box_id``, signed by
    the site CA; PEM certificate + key, and a PKCS#12 bundle (with the CA) if asked for."""
    if not charge_box_id or len(charge_box_id) > 48:
        raise KitError("the chargeBoxId must be 1-48 characters (OCPP CiString48)")
    files = SiteFiles.under(data_dir)
    ca_cert, ca_key = _load_ca(files)
    directory = files.directory / CHARGERS_DIR
    _private_dir(directory)
    key = _new_key()
    certificate = _leaf(
        _name(charge_box_id, "capacitor-edge charger"),
        key,
        ca_cert,
        ca_key,
        now,
        days,
        ExtendedKeyUsageOID.CLIENT_AUTH,
    ).sign(ca_key, hashes.SHA256())
    stem = charger_file_stem(charge_box_id)
    cert_path = directory / f"{stem}.pem"
    key_path = directory / f"{stem}.key"
    write_private(key_path, _key_pem(key))
    write_private(cert_path, _cert_pem(certificate))
    if not p12:
        return ChargerFiles(cert_path, key_path)
    password = p12_password or secrets.token_urlsafe(12)
    bundle = pkcs12.serialize_key_and_certificates(
        charge_box_id.encode(),
        key,
        certificate,
        [ca_cert],
        serialization.BestAvailableEncryption(password.encode()),
    )
    p12_path = directory / f"{stem}.p12"
    write_private(p12_path, bundle)
    return ChargerFiles(cert_path, key_path, p12_path, None if p12_password else password)


def default_hosts() -> tuple[list[str], list[str]]:
    """This machine's host name and the loopback names, when the installer names none."""
    hosts = [socket.gethostname(), "localhost"]
    return list(dict.fromkeys(hosts)), ["127.0.0.1", "::1"]


def _toml_string(path: Path) -> str:
    return '"' + str(path).replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_certs_init(
    data_dir: Path,
    hosts: list[str],
    addresses: list[str],
    *,
    days: int,
    ca_days: int,
    now: datetime,
) -> int:
    """``capacitor-edge certs init``: print what was made and the settings that use it."""
    if not hosts and not addresses:
        hosts, addresses = default_hosts()
    result = init_site(data_dir, hosts, addresses, now=now, days=days, ca_days=ca_days)
    files = result.files
    ca_note = "created" if result.ca_created else "kept (it already existed)"
    print(f"site CA certificate:  {files.ca_cert} ({ca_note})")
    print(f"site CA key:          {files.ca_key} (keep it secret; never leaves the box)")
    print(f"server certificate:   {files.server_cert} (valid {days} days)")
    print(f"server key:           {files.server_key}")
    print(
        f"  for host names {', '.join(result.hosts) or '-'}; addresses "
        f"{', '.join(result.addresses) or '-'}"
    )
    print("Chargers connect to a wss:// URL with one of these names or addresses, and trust")
    print(f"{files.ca_cert} as their Central System root certificate.")
    print("Settings for the config file (restart the box after changing them):")
    print(f"tls_cert_file = {_toml_string(files.server_cert)}")
    print(f"tls_key_file = {_toml_string(files.server_key)}")
    print(f"tls_client_ca_file = {_toml_string(files.ca_cert)}")
    return 0


def run_certs_charger(
    data_dir: Path,
    charge_box_id: str,
    *,
    days: int,
    p12: bool,
    p12_password: str | None,
    now: datetime,
) -> int:
    """``capacitor-edge certs charger ID``: a profile 3 client certificate, paths printed."""
    made = issue_charger(
        data_dir, charge_box_id, now=now, days=days, p12=p12, p12_password=p12_password
    )
    site = SiteFiles.under(data_dir)
    print(f"client certificate:   {made.cert} (CN={charge_box_id}, valid {days} days)")
    print(f"client key:           {made.key}")
    if made.p12 is not None:
        print(f"PKCS#12 bundle:       {made.p12} (certificate, key and site CA)")
        if made.p12_password is not None:
            print(f"PKCS#12 password (shown once): {made.p12_password}")
    print(f"site CA certificate:  {site.ca_cert} (the charger's Central System root certificate)")
    print('Install these on the charger, register it with "securityProfile": 3, and make')
    print(f"sure the box runs with tls_client_ca_file = {_toml_string(site.ca_cert)}")
    return 0
