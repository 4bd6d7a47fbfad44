#!/usr/bin/env bash
# Deployment drill: docs/deployment.md followed by script against a PostgreSQL server.
#
#   contrib/drill.sh            (PGHOST, PGPORT, PGUSER: a superuser of a throwaway cluster)
#
# Builds a wheel of this checkout, installs it NON-editable into a fresh venv, creates the
# database role and database with the SQL of the docs, writes an env file, migrates, makes the
# first admin and staff, imports a small register (contrib/register-example, City row included),
# issues an API token, plans a day, runs the worker once, serves and checks /healthz and pages;
# then backs up, restores into a new database, checks the counts and that the restored city
# serves; and that /healthz answers 503 once the worker is stale. Exits non-zero on any failure.
# .ci/run calls it in its PostgreSQL part.
set -euo pipefail
CHECKOUT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
: "${PGHOST:=127.0.0.1}" "${PGPORT:=5432}" "${PGUSER:=postgres}"
export PGHOST PGPORT PGUSER
WORK=$(mktemp -d /tmp/wennuan-drill.XXXXXX)
SUFFIX=$$
DB=wennuan_drill_$SUFFIX
DB_RESTORED=wennuan_restored_$SUFFIX
ROLE=wennuan_drill_$SUFFIX
DB_PASSWORD=drill-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
SERVERS=()
step() { printf '\n=== drill: %s ===\n' "$*"; }
fail() { echo "DRILL FAILED: $*" >&2; exit 1; }
cleanup() {
  for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null || true; done
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "DROP DATABASE IF EXISTS $DB_RESTORED" \
    -c "DROP ROLE IF EXISTS $ROLE" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() {  # wait_http URL -> prints the status code once the server answers
  for _ in $(seq 1 120); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)
    if [ "$code" != "000" ]; then echo "$code"; return 0; fi
    sleep 0.5
  done
  fail "no answer from $1"
}

step "build a wheel and install it into a fresh venv (non-editable)"
started=$(date +%s)
# DRILL_VENV: a venv kept from an earlier drill (developers repeating it): only the wheel is
# reinstalled there. CI leaves it unset: a fresh venv in the work folder.
VENV=${DRILL_VENV:-$WORK/venv}
# Built from a copy: setuptools writes build/ and *.egg-info beside the sources it builds.
mkdir -p "$WORK/src"
tar -C "$CHECKOUT" --exclude=./.venv --exclude=./var --exclude=./build --exclude=./.git \
  --exclude='*.egg-info' -cf - . | tar -C "$WORK/src" -xf -
"$PYTHON" -m pip wheel -q --no-deps -w "$WORK/dist" "$WORK/src" >/dev/null
WHEEL=$(ls "$WORK"/dist/wennuan-*.whl)
if [ -x "$VENV/bin/wennuan" ]; then
  "$VENV/bin/pip" install -q --force-reinstall --no-deps "$WHEEL"
else
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q "$WHEEL"
fi
echo "installed $(basename "$WHEEL") in $(( $(date +%s) - started )) s"
WENNUAN="$VENV/bin/wennuan"
"$VENV/bin/python" -c 'import wennuan, sys; sys.exit("editable install" if "site-packages" not in wennuan.__file__ else 0)'
# From here on nothing may come from the checkout.
cd "$WORK"

step "database role and database (docs/deployment.md, step 3)"
psql -v ON_ERROR_STOP=1 -q -d postgres <<SQL
CREATE ROLE $ROLE LOGIN PASSWORD '$DB_PASSWORD';
CREATE DATABASE $DB OWNER $ROLE ENCODING 'UTF8' TEMPLATE template0;
SQL

step "env file with a generated key"
mkdir -p "$WORK/data"
{
  echo "SECRET_KEY=$("$WENNUAN" genkey)"
  echo "DATABASE_URL=postgres://$ROLE:$DB_PASSWORD@$PGHOST:$PGPORT/$DB"
  echo "WENNUAN_DATA_DIR=$WORK/data"
  echo "ALLOWED_HOSTS=127.0.0.1,localhost"
  echo "WENNUAN_TRUSTED_PROXIES=127.0.0.1/32"
} > "$WORK/wennuan.env"
chmod 600 "$WORK/wennuan.env"
set -a; . "$WORK/wennuan.env"; set +a

step "migrate, collect static files, first admin"
"$WENNUAN" manage migrate --no-input -v 0
"$WENNUAN" manage collectstatic --no-input -v 0
echo "drill-admin-password-2026" | "$WENNUAN" createstaff chief --role admin --name 系统管理员 --password-stdin

step "register import with the City row, staff, API token"
for sheet in "$CHECKOUT"/contrib/register-example/*.csv; do
  "$WENNUAN" import-register "$sheet"
done
echo "drill-dispatch-password-2026" | "$WENNUAN" createstaff dc.dispatch --role company_dispatcher \
  --company dongcheng --name 东城派单员 --password-stdin
"$WENNUAN" createstaff dc.engineer --role dispatch_engineer --company dongcheng
"$WENNUAN" createstaff dc.manager --role community_manager --company dongcheng --communities 东湖花园 滨河名苑
TOKEN=$("$WENNUAN" manage create_api_client hotline-12345)
[ ${#TOKEN} -ge 20 ] || fail "no API token"

step "plan a day; two workers at once do each periodic task once; check"
"$WENNUAN" plan --date "$(date +%F)"
"$WENNUAN" worker --once > "$WORK/worker-1.log" &
first_worker=$!
"$WENNUAN" worker --once > "$WORK/worker-2.log"
wait "$first_worker"
cat "$WORK/worker-1.log" "$WORK/worker-2.log"
tasks=$(cat "$WORK/worker-1.log" "$WORK/worker-2.log" | awk '$4 ~ /:$/ {print $3}' | sort)
[ -n "$tasks" ] || fail "the workers ran no periodic task"
doubled=$(echo "$tasks" | uniq -d)
[ -z "$doubled" ] || fail "periodic tasks run twice: $doubled"
"$WENNUAN" check || fail "wennuan check failed on the new installation"

step "serve and look"
PORT=$(free_port)
"$WENNUAN" serve --port "$PORT" --workers 2 > "$WORK/serve.log" 2>&1 &
SERVERS+=($!)
[ "$(wait_http "http://127.0.0.1:$PORT/healthz")" = 200 ] || fail "/healthz not 200: $(curl -s "http://127.0.0.1:$PORT/healthz")"
curl -s "http://127.0.0.1:$PORT/healthz" | grep -q '"status": "ok"' || fail "/healthz not ok"
curl -s "http://127.0.0.1:$PORT/directory/?q=%E4%B8%9C%E6%B9%96" | grep -q 东湖花园 || fail "directory lacks 东湖花园"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Token $TOKEN" "http://127.0.0.1:$PORT/api/v1/workorders?changed_since=2026-01-01T00:00:00Z")
[ "$code" = 200 ] || fail "order API with the token: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/v1/workorders")
[ "$code" = 401 ] || fail "order API without a token: $code"
kill "${SERVERS[0]}"; wait "${SERVERS[0]}" 2>/dev/null || true; SERVERS=()

step "backup"
"$WENNUAN" backup --out "$WORK/backup.tar.gz"
COUNTS_BEFORE=$("$WENNUAN" manage shell -c "from wennuan.operations.backup import table_counts; print(sorted(table_counts().items()))")

step "restore into a new database"
psql -v ON_ERROR_STOP=1 -q -d postgres -c "CREATE DATABASE $DB_RESTORED OWNER $ROLE ENCODING 'UTF8' TEMPLATE template0"
export DATABASE_URL="postgres://$ROLE:$DB_PASSWORD@$PGHOST:$PGPORT/$DB_RESTORED"
export WENNUAN_DATA_DIR="$WORK/data-restored"
mkdir -p "$WENNUAN_DATA_DIR"
"$WENNUAN" restore "$WORK/backup.tar.gz"
COUNTS_AFTER=$("$WENNUAN" manage shell -c "from wennuan.operations.backup import table_counts; print(sorted(table_counts().items()))")
[ "$COUNTS_BEFORE" = "$COUNTS_AFTER" ] || fail "row counts differ after restore"
echo "row counts equal in $(echo "$COUNTS_AFTER" | grep -o "'" | wc -l | awk '{print $1/2}') tables"
if "$WENNUAN" restore "$WORK/backup.tar.gz" 2>/dev/null; then fail "restore into a non-empty database was not refused"; fi
"$WENNUAN" manage collectstatic --no-input -v 0

step "the restored city serves"
"$WENNUAN" worker --once >/dev/null
PORT=$(free_port)
"$WENNUAN" serve --port "$PORT" > "$WORK/serve-restored.log" 2>&1 &
SERVERS+=($!)
[ "$(wait_http "http://127.0.0.1:$PORT/healthz")" = 200 ] || fail "restored /healthz not 200"
curl -s "http://127.0.0.1:$PORT/directory/?q=%E9%98%B3%E5%85%89" | grep -q 阳光新城 || fail "restored directory"
login_page=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/console/login/")
[ "$login_page" = 200 ] || fail "login page $login_page"
kill "${SERVERS[0]}"; wait "${SERVERS[0]}" 2>/dev/null || true; SERVERS=()

step "/healthz answers 503 when the worker is stale"
PORT=$(free_port)
sleep 2
WENNUAN_WORKER_STALE_S=1 "$WENNUAN" serve --port "$PORT" > "$WORK/serve-stale.log" 2>&1 &
SERVERS+=($!)
[ "$(wait_http "http://127.0.0.1:$PORT/healthz")" = 503 ] || fail "/healthz not 503 with a stale worker"
curl -s "http://127.0.0.1:$PORT/healthz" | grep -q '"status": "down"' || fail "/healthz not down"

echo
echo "DRILL PASSED"
