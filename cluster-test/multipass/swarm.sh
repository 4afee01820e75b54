#!/usr/bin/env bash
# A 5-node swarm on Multipass: 3 managers + 2 workers, from this checkout.
#   cluster-test/multipass/swarm.sh up      launch swarm-m1..m3, swarm-w1..w2, install, init + join
#   cluster-test/multipass/swarm.sh status  `swarmctl node ls` on swarm-m1
#   cluster-test/multipass/swarm.sh down    delete and purge the 5 instances
# Settings: SWARM_MP_IMAGE (24.04), SWARM_MP_CPUS (2), SWARM_MP_MEMORY (2G), SWARM_MP_DISK (10G).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
managers=(swarm-m1 swarm-m2 swarm-m3)
workers=(swarm-w1 swarm-w2)
all=("${managers[@]}" "${workers[@]}")

ip_of() { multipass info "$1" | awk '/^IPv4:/ { print $2; exit }'; }
on() { local vm=$1; shift; multipass exec "$vm" -- sudo "$@"; }

up() {
  for vm in "${all[@]}"; do
    if ! multipass info "$vm" >/dev/null 2>&1; then
      multipass launch "${SWARM_MP_IMAGE:-24.04}" --name "$vm" --cpus "${SWARM_MP_CPUS:-2}" \
        --memory "${SWARM_MP_MEMORY:-2G}" --disk "${SWARM_MP_DISK:-10G}" \
        --cloud-init "$here/cloud-init.yaml" --timeout 1200
    fi
    on "$vm" cloud-init status --wait >/dev/null
    multipass info "$vm" | grep -q "$root" || multipass mount "$root" "$vm:/swarm-src"
    on "$vm" bash /swarm-src/cluster-test/vm/install.sh /swarm-src "$(ip_of "$vm")"
  done

  local first=${managers[0]} first_ip
  first_ip=$(ip_of "$first")
  on "$first" bash /swarm-src/cluster-test/vm/form-cluster.sh init "$first_ip" /var/lib/swarm-tokens
  local manager_token worker_token
  manager_token=$(on "$first" cat /var/lib/swarm-tokens/manager)
  worker_token=$(on "$first" cat /var/lib/swarm-tokens/worker)
  for vm in "${managers[@]:1}"; do
    on "$vm" env SWARM_JOIN_TOKEN="$manager_token" bash /swarm-src/cluster-test/vm/form-cluster.sh join manager "$first_ip" /unused
  done
  for vm in "${workers[@]}"; do
    on "$vm" env SWARM_JOIN_TOKEN="$worker_token" bash /swarm-src/cluster-test/vm/form-cluster.sh join worker "$first_ip" /unused
  done
  status
}

status() { on "${managers[0]}" swarmctl node ls; }

down() {
  for vm in "${all[@]}"; do multipass delete "$vm" 2>/dev/null || true; done
  multipass purge
}

case "${1:-}" in
  up) up ;;
  status) status ;;
  down) down ;;
  *) echo "usage: $0 up|status|down" >&2; exit 2 ;;
esac
