#!/usr/bin/env bash
# run.sh — what `make run` does after building: initialise the store on first use, print how
# to sign in and how to point the aws CLI at roster, then run the server in the foreground.
set -euo pipefail
bin=${ROSTER_BIN:-build/roster}
db=${ROSTER_DB:-var/roster.db}
listen=${ROSTER_LISTEN:-127.0.0.1:8080}
creds="$(dirname "$db")/initial-credentials.txt"
port=${listen##*:}
host=${listen%:*}
[ "$host" = 0.0.0.0 ] && host=127.0.0.1

if [ ! -f "$db" ]; then
  mkdir -p "$(dirname "$db")"
  umask 077
  "$bin" init --db "$db" > "$creds"
  echo "First run: the store is initialised; credentials saved in $creds (mode 600)."
fi

cat <<MSG

================================ roster ================================
Console:      http://$host:$port/  (sign in as shown below: instance default, user admin)
Admin sign-in and the account access key (from the first 'roster init'):
$(sed 's/^/  /' "$creds" 2>/dev/null || echo "  (not found: $creds — create a key with: $bin keys create --db $db)")

Point the aws CLI (or boto3) at roster in another shell:
  export AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=…   (the lines above)
  export AWS_DEFAULT_REGION=us-east-1
  aws connect list-instances --endpoint-url http://$host:$port
More keys: $bin keys create --db $db      Stop the server: Ctrl-C
=========================================================================

MSG
exec "$bin" serve --db "$db" --listen "$listen"
