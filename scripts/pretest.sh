#!/usr/bin/env bash
# `npm test`'s first step: bring the Debian packages the tests need (scripts/install-host-deps.sh), so
# the README's `npm ci && npm test` works on a fresh machine exactly as CI's .ci/run does. As root it
# installs what is missing; otherwise it only says what is missing (the tests that need those tools and
# root then fail and name them), and `npm run test:unit` needs none of it.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -eq 0 ]; then
  exec bash scripts/install-host-deps.sh
fi
bash scripts/install-host-deps.sh || echo "pretest: not root, so missing packages were not installed; the integration and cluster tests need root and them" >&2
exit 0
