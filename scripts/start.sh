#!/usr/bin/env bash
# The one command that starts the whole product: set-up, build, then the API (with the queue
# worker inside it), the console and — unless KEAP_CLIENT_ID names a real Keap app (and USE_SANDBOX
# is not true) — the local Twilio/Keap stand-ins with a demo account. Ctrl-C stops everything.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_all
ensure_secrets_key
cd "$ROOT"

log "building"
"${PNPM[@]}" exec turbo run build --output-logs=errors-only

export API_PORT="${PORT:-3000}" WEB_PORT="${WEB_PORT:-5173}" SANDBOX_PORT="${SANDBOX_PORT:-4010}"
export PORT="$API_PORT"
export PUBLIC_URL="${PUBLIC_URL:-http://127.0.0.1:$API_PORT}"
export CONSOLE_URL="${CONSOLE_URL:-http://127.0.0.1:$WEB_PORT}"
export API_URL="http://127.0.0.1:$API_PORT"
# The API runs under concurrently (stdout is a pipe, not a terminal): ask for readable logs.
export LOG_FORMAT="${LOG_FORMAT:-pretty}"

# Real credentials switch the stand-ins off: set KEAP_CLIENT_ID (and secret) for Keap.
if [ -z "${KEAP_CLIENT_ID:-}" ] || [ "${USE_SANDBOX:-}" = true ]; then
  USE_SANDBOX=true
  SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT"
  export SANDBOX_PUBLIC_URL="$SANDBOX_URL"
  export KEAP_CLIENT_ID="${KEAP_CLIENT_ID:-sandbox-keap-client-id}"
  export KEAP_CLIENT_SECRET="${KEAP_CLIENT_SECRET:-sandbox-keap-client-secret}"
  export KEAP_AUTHORIZE_URL="$SANDBOX_URL/app/oauth/authorize"
  export KEAP_TOKEN_URL="$SANDBOX_URL/token"
  export KEAP_API_URL="$SANDBOX_URL/crm"
  export TWILIO_API_BASE_URL="$SANDBOX_URL"
  export DEMO_SEED="${DEMO_SEED:-true}"
  export SANDBOX_URL
fi

commands=(--names api,web --prefix-colors blue,magenta
  "node apps/api/dist/main.js"
  "cd apps/web && ./node_modules/.bin/vite preview --port $WEB_PORT --strictPort --host 127.0.0.1")
if [ "${USE_SANDBOX:-}" = true ]; then
  commands=(--names sandbox,api,web --prefix-colors yellow,blue,magenta
    "node apps/sandbox/dist/main.js" "${commands[@]:4}")
fi

cat >&2 <<MSG

  SMS Sequences for Keap is starting:
    Console           $CONSOLE_URL
    API               $API_URL  (OpenAPI docs at $API_URL/api/docs)
MSG
if [ "${USE_SANDBOX:-}" = true ]; then
  cat >&2 <<MSG
    Phone simulator   $SANDBOX_URL/phone   (text DEMO to the demo number)
    Sandbox           $SANDBOX_URL  (local Twilio and Keap stand-ins)

MSG
fi
exec "$ROOT/node_modules/.bin/concurrently" --kill-others --kill-others-on-fail "${commands[@]}"
