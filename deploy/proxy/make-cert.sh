#!/bin/sh
# Makes the proxy's self-signed certificate at first start: DIR/localhost.pem (certificate then key, the
# form HAProxy's `crt` reads) and DIR/localhost.crt (the certificate alone, for a browser or curl to
# trust). Does nothing when DIR/localhost.pem exists, so an operator's own certificate put there stays.
# A key is made per installation and never committed: a private key in a public repository is nobody's.
#   make-cert.sh DIR            CERT_NAMES="DNS:localhost,IP:127.0.0.1,IP:::1"  CERT_OWNER=uid:gid
set -eu
dir=${1:?usage: make-cert.sh DIR}
pem="$dir/localhost.pem"
if [ -s "$pem" ]; then
  echo "make-cert: $pem exists, kept"
  exit 0
fi
mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
  -subj "/CN=localhost" -addext "subjectAltName=${CERT_NAMES:-DNS:localhost,IP:127.0.0.1,IP:::1}" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
umask 077
cat "$work/cert.pem" "$work/key.pem" > "$pem.tmp"
if [ -n "${CERT_OWNER:-}" ]; then chown "$CERT_OWNER" "$pem.tmp"; fi
mv "$pem.tmp" "$pem"
umask 022
cp "$work/cert.pem" "$dir/localhost.crt"
chmod 644 "$dir/localhost.crt"
echo "make-cert: wrote $pem ($(openssl x509 -in "$dir/localhost.crt" -noout -fingerprint -sha256))"
