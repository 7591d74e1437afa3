#!/usr/bin/env bash
# Install the system parts the app itself needs, from Debian's packages, when they are missing:
# Pango and fonts for WeasyPrint (the confirmation de demande in PDF).
set -euo pipefail
need=()
LDCONFIG=$(command -v ldconfig || echo /sbin/ldconfig)
"$LDCONFIG" -p 2>/dev/null | grep -q "libpango-1.0.so" || need+=(libpango-1.0-0)
"$LDCONFIG" -p 2>/dev/null | grep -q "libpangoft2-1.0.so" || need+=(libpangoft2-1.0-0)
"$LDCONFIG" -p 2>/dev/null | grep -q "libharfbuzz-subset.so" || need+=(libharfbuzz-subset0)  # smaller PDFs (fonts subset)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installation des paquets Debian : ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
