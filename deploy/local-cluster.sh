#!/usr/bin/env bash
# The whole multi-process run on one machine, as README.md shows it: `hart cluster start`, the ingest app and the
# three stages (split topology, two decoders) as separate processes, `hart ingest`, `hart status --watch`,
# `hart cluster stop`. CI runs it (LocalClusterScriptTest) on other ports; run it yourself with no settings.
#
# Settings (environment): HART (the hart command, default ./hart), CLUSTER_DIR (default a new temp dir),
# KAFKA_PORT (9092), REGISTRY_PORT (8081), PROMPTS (default: 20 demo prompts), JOB (local-cluster-demo),
# OUT (hart-out), STAGE_ARGS (extra flags for every stage, e.g. --checkpoint DIR).
set -euo pipefail
HART=${HART:-./hart}
DIR=${CLUSTER_DIR:-$(mktemp -d -t hart-cluster-XXXXXX)}
KAFKA_PORT=${KAFKA_PORT:-9092}
REGISTRY_PORT=${REGISTRY_PORT:-8081}
JOB=${JOB:-local-cluster-demo}
OUT=${OUT:-hart-out}
STAGE_ARGS=${STAGE_ARGS:-}
LOGS="$DIR/logs"
mkdir -p "$LOGS"
if [ -z "${PROMPTS:-}" ]; then
  PROMPTS="$DIR/prompts.txt"
  for c in red green blue yellow white; do for s in circle square triangle star; do
    echo "a $c $s on a black background"; done; done > "$PROMPTS"
fi
# only needed because the ports may differ from the defaults every command assumes
export HART_BOOTSTRAP="localhost:$KAFKA_PORT" HART_REGISTRY="http://localhost:$REGISTRY_PORT"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  $HART cluster stop --dir "$DIR"
}
trap cleanup EXIT

$HART cluster start --dir "$DIR" --kafka-port "$KAFKA_PORT" --registry-port "$REGISTRY_PORT"
$HART cluster status --dir "$DIR"

# the ingest app: HTTP progress on any free port (a second copy on this host would collide on 8088)
echo "hart.ingest.http.port=0" > "$DIR/ingest-app.properties"
$HART ingest-app "$DIR/ingest-app.properties" > "$LOGS/ingest-app.log" 2>&1 & pids+=($!)
# split topology: one process per stage, two decoders sharing hart.latents through their consumer group
$HART stage ar $STAGE_ARGS > "$LOGS/ar.log" 2>&1 & pids+=($!)
$HART stage diffusion $STAGE_ARGS > "$LOGS/diffusion.log" 2>&1 & pids+=($!)
$HART stage decoder $STAGE_ARGS --out "$OUT" --instance-id decoder-1 > "$LOGS/decoder-1.log" 2>&1 & pids+=($!)
$HART stage decoder $STAGE_ARGS --out "$OUT" --instance-id decoder-2 > "$LOGS/decoder-2.log" 2>&1 & pids+=($!)

for log in ar diffusion decoder-1 decoder-2; do
  for _ in $(seq 1 600); do
    grep -q STAGE-READY "$LOGS/$log.log" 2>/dev/null && break
    sleep 0.5
  done
  grep -q STAGE-READY "$LOGS/$log.log" || { echo "stage $log did not start:"; tail -20 "$LOGS/$log.log"; exit 1; }
done
for _ in $(seq 1 600); do grep -q 'prompt-ingest running' "$LOGS/ingest-app.log" && break; sleep 0.5; done

$HART ingest "$PROMPTS" --job "$JOB"
$HART status "$JOB" --watch --timeout 600
echo "images: $(find "$OUT/$JOB" -name '*.png' | wc -l) in $OUT/$JOB"
