#!/usr/bin/env bash
# `docker run --rm busybox true` through Berth's Docker API next to the same job submitted with curl
# and awaited with the long poll, alternating run by run so both see the same load.
#   scripts/bench-docker.sh URL TOKEN [RUNS]      e.g. http://127.0.0.1:8080 "$(./berth token ...)" 20
set -euo pipefail
URL=$1 TOKEN=$2 RUNS=${3:-20}
DOCKER=${DOCKER:-/usr/bin/docker}
config=$(mktemp -d)
trap 'rm -rf "$config"' EXIT
printf '{"HttpHeaders":{"Authorization":"Bearer %s"}}\n' "$TOKEN" > "$config/config.json"
export DOCKER_HOST="tcp://${URL#http://}/docker" DOCKER_CONFIG="$config"

now() { date +%s.%N; }
docker_run() { "$DOCKER" run --rm busybox true; }
curl_run() {
  local id
  id=$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"image":"busybox","command":["true"]}' "$URL/api/v1/jobs" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
  curl -sf -H "Authorization: Bearer $TOKEN" "$URL/api/v1/jobs/$id?wait=60s" | grep -q '"state":"SUCCEEDED"'
}
docker_run; curl_run   # warm-up
declare -a d c
for i in $(seq "$RUNS"); do
  t=$(now); docker_run; d+=("$(echo "$(now) - $t" | bc)")
  t=$(now); curl_run; c+=("$(echo "$(now) - $t" | bc)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
md=$(median "${d[@]}"); mc=$(median "${c[@]}")
printf 'runs %s, load %s\n' "$RUNS" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'curl submit + long-poll wait   median %.3f s (baseline)\n' "$mc"
printf 'docker run --rm busybox true   median %.3f s   ratio %.2fx\n' "$md" "$(echo "$md / $mc" | bc -l)"
