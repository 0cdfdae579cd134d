#!/usr/bin/env bash
# Install capacitor-edge on a gateway (`make install` runs it): the executable, the systemd
# unit and an example config. Run as root on the gateway, from a checkout with dist/ built
# (`make binary`), or from an unpacked release holding the same three files.
#
#   sudo packaging/install.sh                 # then: systemctl enable --now capacitor-edge
#   DESTDIR=/tmp/stage packaging/install.sh   # stage the files under another root (packaging)
#
# It never overwrites an existing config, and it does not start or enable the service.
set -euo pipefail
cd "$(dirname "$0")/.."
DESTDIR=${DESTDIR:-}
BINARY=${BINARY:-dist/capacitor-edge}

if [ ! -f "$BINARY" ]; then
    echo "install.sh: no $BINARY: build it first with 'make binary'" >&2
    exit 1
fi
install -D -m 0755 "$BINARY" "$DESTDIR/usr/local/bin/capacitor-edge"
install -D -m 0644 systemd/capacitor-edge.service "$DESTDIR/etc/systemd/system/capacitor-edge.service"
install -d -m 0755 "$DESTDIR/etc/capacitor-edge"
install -m 0644 systemd/capacitor-edge.toml.example "$DESTDIR/etc/capacitor-edge/capacitor-edge.toml.example"
if [ ! -e "$DESTDIR/etc/capacitor-edge/capacitor-edge.toml" ]; then
    install -m 0644 systemd/capacitor-edge.toml.example "$DESTDIR/etc/capacitor-edge/capacitor-edge.toml"
    echo "installed the example config as /etc/capacitor-edge/capacitor-edge.toml"
fi
"$DESTDIR/usr/local/bin/capacitor-edge" --version
if [ -z "$DESTDIR" ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    echo "next: systemctl enable --now capacitor-edge; journalctl -u capacitor-edge shows the first API key"
fi
