#!/usr/bin/env bash
# Installs the Debian packages the demo and the tests need, when missing (root; apt-get).
# Used by .ci/run and by `npm run demo`. With --demo only what the demo needs is installed.
set -euo pipefail

need=()
command -v iptables >/dev/null 2>&1 || need+=(iptables)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)   # test images
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v make >/dev/null 2>&1 || need+=(make)
command -v cc >/dev/null 2>&1 || need+=(gcc)
command -v musl-gcc >/dev/null 2>&1 || need+=(musl-tools)   # swarm-runtime: static musl starts ~0.4 ms faster than glibc
command -v setfattr >/dev/null 2>&1 || need+=(attr)   # image store: overlayfs opaque-dir xattrs
dpkg -s libc6-dev >/dev/null 2>&1 || need+=(libc6-dev)   # headers + static libc (test image udp-echo)
command -v nsenter >/dev/null 2>&1 || need+=(util-linux)  # harness hosts, health checks inside containers
if [ "${1:-}" != "--demo" ]; then
  command -v runc >/dev/null 2>&1 || need+=(runc)           # differential runtime tests
  command -v python3 >/dev/null 2>&1 || need+=(python3)     # mesh test: a listener with a full accept queue
  command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)  # image registry pull tests
  command -v skopeo >/dev/null 2>&1 || need+=(skopeo)       # pushes test archives into that registry
  command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)  # registry basic-auth test
  command -v openssl >/dev/null 2>&1 || need+=(openssl)     # registry bearer-token test (token signing cert)
  command -v docker >/dev/null 2>&1 || need+=(docker.io)    # swarmctl --format: the docker CLI's Go templates as the oracle
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${need[*]} (run as root to install them)" >&2
    exit 1
  fi
  echo "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # The tests run their own registry on a free loopback port; do not leave the packaged service running.
  if command -v systemctl >/dev/null 2>&1; then systemctl stop docker-registry >/dev/null 2>&1 || true; fi
fi
