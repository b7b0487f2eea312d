#!/bin/bash
# Installs (apt, Debian 12) what the integration tests and the local demo run: a Keystone, a Glance
# API, RabbitMQ (+ pika for ad-hoc debugging) and qemu-utils (test oracle and sample images).
# Idempotent and quick when everything is present: no apt-get update then.
# Needs root, or sudo. Package postinsts must not start services, so a policy-rc.d that forbids it is put
# in place when the machine has none (and removed again afterwards).
set -euo pipefail

PACKAGES=(glance-api python3-keystone rabbitmq-server python3-pika qemu-utils curl)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all present (${PACKAGES[*]})"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    exec sudo "$0" "$@"
  fi
  echo "install-deps: missing ${missing[*]}; run as root or install sudo" >&2
  exit 2
fi

created_policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\n# created by glance-convert integration-tests/install-deps.sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  created_policy=1
fi
cleanup() { if [ -n "$created_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# python3-keystone, not 'keystone': the latter's postinst wants dbconfig and a web server.
apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
echo "install-deps: done"
