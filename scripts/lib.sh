#!/usr/bin/env bash
# Shared set-up for the start and test commands: pnpm at the pinned version, dependencies,
# PostgreSQL and Redis. Every step is idempotent, so running it on a ready machine costs seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
mkdir -p "$ROOT/.run"

export DATABASE_URL="${DATABASE_URL:-postgres://sms:sms@127.0.0.1:5432/sms_sequences}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[setup]\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root (or sudo) to run: $*"; fi
}

PNPM_VERSION="$(node -p "require('$ROOT/package.json').packageManager.split('@')[1]")"

# pnpm at the version pinned in package.json (packageManager), run through corepack, which ships
# with Node.js. corepack checks pnpm's signature against the keys it ships with; where a registry
# mirror serves tarballs those keys do not match, corepack can still check the registry's integrity
# hash (as npm does) with COREPACK_INTEGRITY_KEYS=0. Without corepack at all, npm installs the
# pinned pnpm into .tools/. A shim in .tools/bin makes `pnpm` the pinned one for turbo too.
ensure_pnpm() {
  local tools="$ROOT/.tools" shim="$ROOT/.tools/bin/pnpm"
  mkdir -p "$tools/bin"
  export PATH="$tools/bin:$PATH"
  if [ -x "$shim" ] && [ "$("$shim" --version 2>/dev/null)" = "$PNPM_VERSION" ]; then
    PNPM=("$shim")
    return
  fi
  export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
  if command -v corepack >/dev/null && [ "$(corepack "pnpm@$PNPM_VERSION" --version 2>/dev/null)" = "$PNPM_VERSION" ]; then
    log "pnpm $PNPM_VERSION through corepack"
    printf '#!/bin/sh\nCOREPACK_ENABLE_DOWNLOAD_PROMPT=0 exec corepack pnpm@%s "$@"\n' "$PNPM_VERSION" >"$shim"
  elif command -v corepack >/dev/null &&
    [ "$(COREPACK_INTEGRITY_KEYS=0 corepack "pnpm@$PNPM_VERSION" --version 2>/dev/null)" = "$PNPM_VERSION" ]; then
    log "pnpm $PNPM_VERSION through corepack (its signature keys do not match this registry: checking the registry's integrity hash instead)"
    printf '#!/bin/sh\nCOREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_INTEGRITY_KEYS=0 exec corepack pnpm@%s "$@"\n' "$PNPM_VERSION" >"$shim"
  else
    log "corepack cannot provide pnpm $PNPM_VERSION here: installing it with npm into .tools/"
    npm install --silent --no-audit --no-fund --prefix "$tools" "pnpm@$PNPM_VERSION" >&2
    printf '#!/bin/sh\nexec "%s" "$@"\n' "$tools/node_modules/.bin/pnpm" >"$shim"
  fi
  chmod +x "$shim"
  [ "$("$shim" --version)" = "$PNPM_VERSION" ] || die "could not get pnpm $PNPM_VERSION"
  PNPM=("$shim")
}

ensure_dependencies() {
  log "installing dependencies (pnpm install)"
  (cd "$ROOT" && "${PNPM[@]}" install --frozen-lockfile --prefer-offline >&2)
}

probe() { node "$ROOT/scripts/probe-services.mjs" "$1" >/dev/null 2>&1; }

url_host() { node -e "console.log(new URL(process.argv[1]).hostname)" "$1"; }
is_local() { case "$(url_host "$1")" in 127.0.0.1|localhost|::1|'[::1]') return 0 ;; *) return 1 ;; esac; }

ensure_postgres() {
  if probe postgres; then log "PostgreSQL answers at DATABASE_URL"; return; fi
  is_local "$DATABASE_URL" || die "PostgreSQL does not answer at DATABASE_URL ($(url_host "$DATABASE_URL")); start it or fix the URL"
  if ! command -v pg_lsclusters >/dev/null; then
    log "installing PostgreSQL (apt-get)"
    as_root apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  fi
  # The cluster that listens on DATABASE_URL's port; made when there is none (a fresh machine).
  local port cluster
  port="$(node -e "console.log(new URL(process.argv[1]).port || 5432)" "$DATABASE_URL")"
  cluster="$(pg_lsclusters --no-header | awk -v p="$port" '$3 == p' | head -n1)"
  if [ -z "$cluster" ]; then
    local ver; ver="$(ls /usr/lib/postgresql | sort -V | tail -n1)"
    local name=main
    pg_lsclusters --no-header | awk '{print $2}' | grep -qx main && name="sms$port"
    log "creating PostgreSQL cluster $ver/$name on port $port"
    as_root pg_createcluster -p "$port" "$ver" "$name" >&2
    cluster="$(pg_lsclusters --no-header | awk -v p="$port" '$3 == p' | head -n1)"
  fi
  local ver name status
  read -r ver name _port status _rest <<<"$cluster"
  if [ "$status" != online ]; then log "starting PostgreSQL $ver/$name (port $port)"; as_root pg_ctlcluster "$ver" "$name" start >&2; fi
  local user pass db
  user="$(node -e "console.log(decodeURIComponent(new URL(process.argv[1]).username))" "$DATABASE_URL")"
  pass="$(node -e "console.log(decodeURIComponent(new URL(process.argv[1]).password))" "$DATABASE_URL")"
  db="$(node -e "console.log(new URL(process.argv[1]).pathname.slice(1))" "$DATABASE_URL")"
  log "creating role $user and database $db"
  [ -n "$pass" ] || die "DATABASE_URL has no password: give the role one (postgres://user:password@host:port/db)"
  as_root runuser -u postgres -- psql -p "$port" -q -v ON_ERROR_STOP=1 >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$user') THEN
    CREATE ROLE "$user" LOGIN CREATEDB PASSWORD '$pass';
  ELSE
    ALTER ROLE "$user" LOGIN CREATEDB PASSWORD '$pass';
  END IF;
END \$\$;
SQL
  if ! as_root runuser -u postgres -- psql -p "$port" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    as_root runuser -u postgres -- createdb -p "$port" -O "$user" "$db" >&2
  fi
  for _ in $(seq 1 30); do probe postgres && return; sleep 1; done
  die "PostgreSQL still does not answer at DATABASE_URL"
}

ensure_redis() {
  if probe redis; then log "Redis answers at REDIS_URL"; return; fi
  is_local "$REDIS_URL" || die "Redis does not answer at REDIS_URL ($(url_host "$REDIS_URL")); start it or fix the URL"
  if ! command -v redis-server >/dev/null; then
    log "installing Redis (apt-get)"
    as_root apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2
  fi
  local port pass auth=()
  port="$(node -e "console.log(new URL(process.argv[1]).port || 6379)" "$REDIS_URL")"
  pass="$(node -e "console.log(decodeURIComponent(new URL(process.argv[1]).password))" "$REDIS_URL")"
  [ -z "$pass" ] || auth=(--requirepass "$pass")
  log "starting Redis on port $port"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --dir "$ROOT/.run" \
    --logfile "$ROOT/.run/redis.log" --appendonly yes "${auth[@]}" >&2
  for _ in $(seq 1 30); do probe redis && return; sleep 0.5; done
  die "Redis still does not answer at REDIS_URL"
}

# Debian's Chromium, for the console's browser tests (Playwright drives it; it never downloads a browser).
ensure_chromium() {
  export CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium || command -v chromium-browser || true)}"
  if [ -z "$CHROMIUM_PATH" ]; then
    log "installing Chromium (apt-get)"
    as_root apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
    CHROMIUM_PATH="$(command -v chromium)"
  fi
}

# The key that seals secrets at rest. Production sets SECRETS_KEY; locally we make one and keep it.
ensure_secrets_key() {
  if [ -z "${SECRETS_KEY:-}" ]; then
    # Readable by its owner only, whether made now or by an older start that left it 0644.
    [ -s "$ROOT/.run/secrets.key" ] || (umask 077 && node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64'))" >"$ROOT/.run/secrets.key")
    chmod 600 "$ROOT/.run/secrets.key"
    SECRETS_KEY="$(cat "$ROOT/.run/secrets.key")"
    export SECRETS_KEY
  fi
}

setup_all() {
  ensure_pnpm
  ensure_dependencies
  ensure_postgres
  ensure_redis
}
