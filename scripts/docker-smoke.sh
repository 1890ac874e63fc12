#!/usr/bin/env bash
# Docker smoke test (README "Docker"): builds the image, runs PostgreSQL and two bridge replicas on
# one network, as compose.postgres.yaml does, and checks what the image promises: both replicas turn
# healthy (HEALTHCHECK on /readyz) and run as `node`; events posted to either are delivered (dry
# run); the lanes spread over the replicas; after `docker kill` (SIGKILL) of one, the other holds
# every lane within 25 s and delivers what comes next. Needs a Docker engine and the repository
# built (`npm install`: it signs the samples with `bin/bridge.js send-sample`).
#
#   scripts/docker-smoke.sh            # PG_IMAGE=postgres:15 by default
set -euo pipefail
cd "$(dirname "$0")/.."

PG_IMAGE="${PG_IMAGE:-postgres:15}"
IMAGE=returning-bridge:smoke
NET="bridge-smoke-$$"
WORK="$(mktemp -d)"
PORTS=(3101 3102)
cleanup() {
  docker rm -f "$NET-pg" "$NET-b1" "$NET-b2" >/dev/null 2>&1 || true
  docker network rm "$NET" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
psql_q() { docker exec "$NET-pg" psql -U bridge -d bridge -Atc "$1"; }

echo "== build $IMAGE"
docker build -q -t "$IMAGE" . >/dev/null

# The bundled rules with Standard Webhooks auth: with authentication the bridge listens on 0.0.0.0
# (without it, 127.0.0.1 only, which a port mapping cannot reach).
{
  sed -n '1,/^destinations:/p' rules.yaml | sed '$d'
  printf 'auth:\n  standard_webhooks:\n    secrets:\n      - ${WEBHOOK_SECRET}\n\n'
  sed -n '/^destinations:/,$p' rules.yaml
} > "$WORK/rules.yaml"
WEBHOOK_SECRET="whsec_$(head -c 24 /dev/urandom | base64)"
export WEBHOOK_SECRET

echo "== PostgreSQL ($PG_IMAGE) and two replicas"
docker network create "$NET" >/dev/null
docker run -d --name "$NET-pg" --network "$NET" -e POSTGRES_USER=bridge -e POSTGRES_DB=bridge -e POSTGRES_PASSWORD=smoke "$PG_IMAGE" >/dev/null
for _ in $(seq 1 60); do docker exec "$NET-pg" pg_isready -U bridge -d bridge -q 2>/dev/null && break; sleep 1; done
docker exec "$NET-pg" pg_isready -U bridge -d bridge -q || fail "PostgreSQL did not start"
for i in 1 2; do
  docker run -d --name "$NET-b$i" --network "$NET" -p "127.0.0.1:${PORTS[$((i - 1))]}:3000" \
    -e WEBHOOK_SECRET -e "DATABASE_URL=postgres://bridge:smoke@$NET-pg:5432/bridge" \
    -v "$WORK/rules.yaml:/app/rules.yaml:ro" "$IMAGE" >/dev/null
done

health() { docker inspect -f '{{.State.Health.Status}}' "$1"; }
for _ in $(seq 1 90); do [ "$(health "$NET-b1")" = healthy ] && [ "$(health "$NET-b2")" = healthy ] && break; sleep 1; done
for i in 1 2; do [ "$(health "$NET-b$i")" = healthy ] || fail "replica b$i is $(health "$NET-b$i"): $(docker logs --tail 5 "$NET-b$i" 2>&1)"; done
echo "ok: both replicas healthy"
[ "$(docker exec "$NET-b1" id -un)" = node ] || fail "the bridge does not run as node"
echo "ok: runs as node"

send() { RULES_FILE="$WORK/rules.yaml" node bin/bridge.js send-sample visit --url "http://127.0.0.1:$1/webhooks/returning-ai" 2>/dev/null | head -1; }
done_jobs() { psql_q "SELECT count(*) FROM jobs WHERE status = 'done'"; }
wait_done() {
  for _ in $(seq 1 30); do [ "$(done_jobs)" -ge "$1" ] && return 0; sleep 1; done
  fail "$(done_jobs) jobs done, expected $1: $(psql_q "SELECT destination || ' ' || status FROM jobs")"
}
for p in "${PORTS[@]}"; do send "$p" | grep -q ' → 202$' || fail "POST to :$p was not accepted"; done
# The sample visitor is a VIP: each visit plans a HubSpot upsert, the first a Slack alert (cooldown).
wait_done 3
echo "ok: 2 visits through 2 replicas, $(done_jobs) jobs done"
owners="$(psql_q "SELECT count(DISTINCT owner) FROM leases WHERE name LIKE 'lane:%'")"
[ "$owners" = 2 ] || fail "lanes held by $owners replicas, expected 2: $(psql_q "SELECT name || ' ' || owner FROM leases")"
echo "ok: lanes spread over both replicas"

echo "== docker kill (SIGKILL) b1"
b1="$(docker exec "$NET-b1" hostname)"
docker kill "$NET-b1" >/dev/null
started=$SECONDS
b1_lanes() { psql_q "SELECT count(*) FROM leases WHERE name LIKE 'lane:%' AND (owner LIKE '$b1:%' OR expires_at <= (extract(epoch FROM now()) * 1000)::bigint)"; }
total_lanes() { psql_q "SELECT count(*) FROM leases WHERE name LIKE 'lane:%'"; }
for _ in $(seq 1 30); do [ "$(b1_lanes)" = 0 ] && [ "$(total_lanes)" -ge 3 ] && break; sleep 1; done
[ "$(b1_lanes)" = 0 ] || fail "b1's lanes not taken over after $((SECONDS - started)) s"
echo "ok: b2 holds every lane $((SECONDS - started)) s after the kill"
send "${PORTS[1]}" | grep -q ' → 202$' || fail "POST to b2 was not accepted"
wait_done 4
echo "ok: delivered after the kill, $(done_jobs) jobs done"
echo "docker smoke test passed"
