#!/usr/bin/env bash
# A private certificate authority for a dock network, and the ledger's TLS certificate from it.
#
#   packaging/dock-ca.sh DIR NAME [IP]
#
# DIR/ca.pem, DIR/ca.key   the dock CA (made once, kept if they exist; keep ca.key offline)
# DIR/ledger.pem           the ledger's certificate for NAME (and IP), signed by the CA
# DIR/ledger.key           its private key (mode 0600)
#
# Serve with:  tally-ledger serve --db DB --listen 0.0.0.0:8443 \
#                --tls-cert DIR/ledger.pem --tls-key DIR/ledger.key
# Install ca.pem on every handheld as the one CA it trusts for the ledger. See docs/LEDGER.md,
# "TLS on a dock network".
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 DIR NAME [IP]" >&2
    exit 2
fi
dir=$1
name=$2
ip=${3:-}

umask 077
mkdir -p "$dir"
if [ ! -f "$dir/ca.key" ]; then
    openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 3650 -sha256 \
        -subj "/CN=tally dock CA" \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi
san="DNS:$name"
if [ -n "$ip" ]; then
    san="$san,IP:$ip"
fi
openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -keyout "$dir/ledger.key" -out "$dir/ledger.csr" -subj "/CN=$name" 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$san" \
    > "$dir/ledger.ext"
openssl x509 -req -in "$dir/ledger.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -out "$dir/ledger.pem" -days 825 -sha256 -extfile "$dir/ledger.ext" 2>/dev/null
rm -f "$dir/ledger.csr" "$dir/ledger.ext"
chmod 644 "$dir/ca.pem" "$dir/ledger.pem"
echo "$dir/ledger.pem and $dir/ledger.key for $san, signed by $dir/ca.pem"
