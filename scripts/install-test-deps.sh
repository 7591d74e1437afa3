#!/usr/bin/env bash
# Install the system parts the tests need, from Debian's packages, when they are missing:
# Chromium (browser tests), a Java runtime (Nu HTML validator), PostgreSQL (database tests),
# poppler-utils (pdftoppm: the confirmation PDF as an image).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)  # the browser journey looks at the confirmation PDF
command -v openssl >/dev/null 2>&1 || need+=(openssl)  # a certificate for the SMTP server of the STARTTLS test
if ! command -v pg_ctlcluster >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "Installation des paquets Debian : ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
