#!/usr/bin/env bash
# The acceptance smoke sequence: sign in, fetch the CSRF token, create a lead,
# impersonate business 1, read /me, save both prompts -- with plain curl, the
# way a script or another client would. Usage: tests/smoke.sh BASE EMAIL PASSWORD
# Prints one line per step; exits non-zero at the first failing step.
set -u
BASE=${1:?usage: smoke.sh BASE EMAIL PASSWORD}
EMAIL=${2:?usage: smoke.sh BASE EMAIL PASSWORD}
PASSWORD=${3:?usage: smoke.sh BASE EMAIL PASSWORD}
JAR=$(mktemp); OUT=$(mktemp)
trap 'rm -f "$JAR" "$OUT"' EXIT

status() { sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$OUT"; }
step() { # step NAME EXPECTED_STATUS
  local got; got=$(status)
  if [ "$got" = "$2" ]; then echo "ok   $1 -> $got"; else echo "FAIL $1 -> $got (expected $2)"; tail -n 1 "$OUT"; echo; exit 1; fi
}

# Login + CSRF
curl -s -i -c "$JAR" -b "$JAR" -H 'Content-Type: application/json' \
  -X POST "$BASE/api/auth/login" --data "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" > "$OUT"
step "login" 200

curl -s -i -c "$JAR" -b "$JAR" "$BASE/api/auth/csrf" > "$OUT"
step "csrf" 200
grep -qi '^set-cookie: XSRF-TOKEN=' "$OUT" || { echo "FAIL csrf: no XSRF-TOKEN cookie"; exit 1; }
grep -q '"csrfToken":"' "$OUT" || { echo "FAIL csrf: no csrfToken in the body"; exit 1; }
echo "ok   csrf sets XSRF-TOKEN and returns {csrfToken}"

# Read the token from the pipe. (`curl ... | python - <<'PY'` would not work: the
# heredoc replaces the pipe as python's stdin, so the token would come out empty.)
TOKEN=$(curl -s -c "$JAR" -b "$JAR" "$BASE/api/auth/csrf" | python3 -c 'import sys,json; print(json.load(sys.stdin)["csrfToken"])')
[ -n "$TOKEN" ] || { echo "FAIL token extraction: empty"; exit 1; }
echo "ok   token extracted"

# Create Lead (a phone unique to this run so the script can be re-run)
PHONE="+97252$(date +%s | tail -c 8)"
curl -s -i -c "$JAR" -b "$JAR" -H "X-CSRFToken: $TOKEN" -H 'Content-Type: application/json' \
  -X POST "$BASE/api/leads" --data "{\"first_name\":\"דן\",\"phone_e164\":\"$PHONE\",\"source\":\"form\"}" > "$OUT"
step "create lead" 201

# Impersonate (Admin)
curl -s -i -c "$JAR" -b "$JAR" -H "X-CSRFToken: $TOKEN" \
  -X POST "$BASE/api/admin/businesses/1/impersonate" > "$OUT"
step "impersonate business 1" 200
curl -s -i -c "$JAR" -b "$JAR" "$BASE/api/auth/me" > "$OUT"
step "me" 200
grep -q '"impersonating":true' "$OUT" || { echo "FAIL me: not impersonating"; tail -n 1 "$OUT"; echo; exit 1; }
grep -q '"role":"system_admin"' "$OUT" || { echo "FAIL me: role was overwritten"; tail -n 1 "$OUT"; echo; exit 1; }
echo "ok   me shows impersonating=true with role system_admin"

# Save Prompts
curl -s -i -c "$JAR" -b "$JAR" -H "X-CSRFToken: $TOKEN" -H 'Content-Type: application/json' \
  -X PUT "$BASE/api/business/current/prompt" \
  --data '{"calls_prompt":"...","whatsapp_prompt":"..."}' > "$OUT"
step "save prompts" 200
echo "smoke: all steps passed"
