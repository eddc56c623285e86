#!/usr/bin/env bash
# Container entry point: `./hart $HART_COMMAND $HART_ARGS "$@"`.
# HART_COMMAND is the subcommand (e.g. "stage ar", "ingest", "topics create"); HART_ARGS holds its flags, so
# compose and Kubernetes set both from the environment (ConfigMap) instead of repeating command lines.
# The cluster address is read by every command from HART_BOOTSTRAP and HART_REGISTRY (ClusterOptions).
set -euo pipefail
cd /opt/hart
# shellcheck disable=SC2086  # word splitting of the two variables is the point
exec ./hart ${HART_COMMAND:-} ${HART_ARGS:-} "$@"
