#!/usr/bin/env bash
# Container entry point: `./hart $HART_COMMAND $HART_ARGS "$@"`.
# HART_COMMAND is the subcommand (e.g. "stage ar", "topics create"); HART_ARGS holds its flags, so compose and
# Kubernetes set both from the environment (ConfigMap) instead of repeating command lines. The cluster address is
# read by every command from HART_BOOTSTRAP and HART_REGISTRY (ClusterOptions).
#
# HART_COMMAND=ingest-app runs the prompt-ingest Streams app (dev.hart.ingest.PromptIngestMain, no hart subcommand):
# its settings are IngestConfig properties, one per line in HART_INGEST_PROPERTIES (e.g. hart.ingest.http.port=8080).
set -euo pipefail
cd /opt/hart
if [ "${HART_COMMAND:-}" = "ingest-app" ]; then
  props="$(mktemp)"
  printf '%s\n' "${HART_INGEST_PROPERTIES:-hart.ingest.http.port=8080}" > "$props"
  # shellcheck disable=SC2086
  exec java ${HART_JAVA_OPTS:-} -Dai.djl.offline=true \
    -cp "$(ls cli/target/hart-cli-*.jar):$(cat cli/target/hart.classpath)" dev.hart.ingest.PromptIngestMain "$props"
fi
# shellcheck disable=SC2086  # word splitting of the two variables is the point
exec ./hart ${HART_COMMAND:-} ${HART_ARGS:-} "$@"
