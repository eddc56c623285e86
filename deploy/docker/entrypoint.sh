#!/usr/bin/env bash
# Container entry point: `./hart $HART_COMMAND $HART_ARGS "$@"`.
# HART_COMMAND is the subcommand (e.g. "stage ar", "topics create"); HART_ARGS holds its flags, so compose and
# Kubernetes set both from the environment (ConfigMap) instead of repeating command lines. The cluster address is
# read by every command from HART_BOOTSTRAP and HART_REGISTRY (ClusterOptions).
#
# HART_COMMAND=ingest-app runs the prompt-ingest Streams app: its settings are IngestConfig properties, one per line in
# HART_INGEST_PROPERTIES (e.g. hart.ingest.http.port=8080), and HART_ARGS may carry the stages' model flags so the app
# accepts the checkpoint id they load.
set -euo pipefail
cd /opt/hart
if [ "${HART_COMMAND:-}" = "ingest-app" ]; then
  props="$(mktemp)"
  printf '%s\n' "${HART_INGEST_PROPERTIES:-hart.ingest.http.port=8080}" > "$props"
  # shellcheck disable=SC2086
  exec ./hart ingest-app "$props" ${HART_ARGS:-} "$@"
fi
# shellcheck disable=SC2086  # word splitting of the two variables is the point
exec ./hart ${HART_COMMAND:-} ${HART_ARGS:-} "$@"
