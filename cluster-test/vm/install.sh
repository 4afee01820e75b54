#!/usr/bin/env bash
# Installs swarm on a Debian 12 / Ubuntu 24.04 VM and starts swarmd under systemd.
#   usage: install.sh <project-source-dir> <advertise-addr>
# Node: both distributions ship Node 18, and swarm needs >= 20.19, so Node 20 comes from the official
# nodejs.org tarball (latest-v20.x), verified against its SHASUMS256.txt. No third-party apt repository.
set -euo pipefail
src=${1:?usage: install.sh <project-source-dir> <advertise-addr>}
addr=${2:?usage: install.sh <project-source-dir> <advertise-addr>}

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  ca-certificates curl xz-utils rsync gcc make libc6-dev iproute2 iptables busybox-static runc >/dev/null

if ! node -e 'const [M, m] = process.versions.node.split(".").map(Number); process.exit(M > 20 || (M === 20 && m >= 19) ? 0 : 1)' 2>/dev/null; then
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) echo "install.sh: no Node 20 tarball for $(uname -m)" >&2; exit 1 ;;
  esac
  base=https://nodejs.org/dist/latest-v20.x
  tmp=$(mktemp -d)
  curl -fsSL "$base/SHASUMS256.txt" -o "$tmp/SHASUMS256.txt"
  file=$(grep -o "node-v20\.[0-9]*\.[0-9]*-linux-${arch}\.tar\.xz" "$tmp/SHASUMS256.txt" | head -n 1)
  curl -fsSL "$base/$file" -o "$tmp/$file"
  (cd "$tmp" && grep " ${file}\$" SHASUMS256.txt | sha256sum -c --quiet -)
  tar -xJf "$tmp/$file" -C /usr/local --strip-components=1 --no-same-owner
  rm -rf "$tmp"
fi

# Build a private copy, so the VM never writes node_modules/ or dist/ into the host's checkout.
mkdir -p /opt/swarm
rsync -a --delete --exclude node_modules --exclude dist --exclude native/build --exclude .vagrant --exclude .tokens --exclude .git "$src/" /opt/swarm/
(cd /opt/swarm && npm ci --no-audit --no-fund) # `prepare` builds native/ and dist/
ln -sf /opt/swarm/bin/swarmd.js /usr/local/bin/swarmd
ln -sf /opt/swarm/bin/swarmctl.js /usr/local/bin/swarmctl

cat >/etc/systemd/system/swarmd.service <<UNIT
[Unit]
Description=swarm daemon
After=network-online.target
Wants=network-online.target

[Service]
ExecStart=/usr/local/bin/node /opt/swarm/bin/swarmd.js --data-dir /var/lib/swarmd --advertise-addr ${addr}
Restart=on-failure

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now swarmd
echo "install.sh: swarmd running on ${addr}"
