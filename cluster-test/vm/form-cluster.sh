#!/usr/bin/env bash
# Forms the cluster once swarmd runs (install.sh):
#   form-cluster.sh init <advertise-addr> <token-dir>               first manager: init, write join tokens
#   form-cluster.sh join <manager|worker> <manager-addr> <token-dir>  others: read the token, join
# The token dir is a folder shared by all machines (Vagrant synced folder). $SWARM_JOIN_TOKEN, when
# set, is used instead of the file (the Multipass script passes tokens through the host).
set -euo pipefail
retry() { # retry <seconds> <command...>: the daemon may still be starting
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    if ((SECONDS >= deadline)); then echo "form-cluster.sh: gave up on: $*" >&2; return 1; fi
    sleep 2
  done
}

case "${1:-}" in
  init)
    addr=${2:?advertise-addr} dir=${3:?token-dir}
    if ! swarmctl node ls >/dev/null 2>&1; then retry 120 swarmctl init --advertise-addr "$addr"; fi
    mkdir -p "$dir"
    for role in manager worker; do
      swarmctl join-token -q "$role" >"$dir/$role.tmp" && mv "$dir/$role.tmp" "$dir/$role"
    done
    ;;
  join)
    role=${2:?manager|worker} manager=${3:?manager-addr} dir=${4:?token-dir}
    token=${SWARM_JOIN_TOKEN:-}
    if [ -z "$token" ]; then
      retry 600 test -s "$dir/$role"
      token=$(cat "$dir/$role")
    fi
    join_once() { # a node re-provisioned after it joined is fine as it is
      local out
      if out=$(swarmctl join --token "$token" "$manager:2377" 2>&1); then echo "$out"; return 0; fi
      echo "$out" >&2
      grep -qi 'already part of' <<<"$out"
    }
    retry 120 join_once
    ;;
  *)
    echo "usage: form-cluster.sh init <addr> <token-dir> | join <manager|worker> <manager-addr> <token-dir>" >&2
    exit 2
    ;;
esac
