# bench/lib.sh — shell functions shared by the benchmarks (bench/http, bench/users, bench/import,
# bench/bulk).
#
# Source it from a bash script running under `set -euo pipefail` after setting bench_name. It
# reads the wrk knobs (BENCH_SECONDS, BENCH_WARMUP, BENCH_ROUNDS, BENCH_CONNECTIONS,
# BENCH_WRK_THREADS, BENCH_ACCESS_LOG, BENCH_TARGET, ROSTER_BIN, NGINX_BIN; see bench/README.md)
# into lower-case variables. Then:
#   bench_check_wrk_knobs       validates them (exit 2 on a bad value)
#   bench_tmp_init              makes $tmp and stops roster/nginx and removes $tmp on exit
#   roster_start                roster init + serve on a free loopback port: sets key_id, secret,
#                               instance, roster_pid, roster_port
#   sign_get PATH               signs a GET with botocore: sets amz_date, authorization
#   roster_get_ok PATH OUT      fetches PATH signed into OUT, dies unless 200: sets body_bytes
#   nginx_start PATH BYTES      nginx serving a file of BYTES bytes at PATH: sets nginx_pid, nginx_port
#   wrk_script PATH             the wrk Lua script replaying the signed GET of PATH
#   run_wrk NAME PORT ROUND     one measured wrk run, appended to $tmp/results
#   wrk_report                  the table of $tmp/results; sets verdict, wrk_ratio, wrk_failed
# The caller's variable `path` is the URL path both servers answer.

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() { echo "$bench_name: $*" >&2; exit 1; }
usage_err() { echo "$bench_name: $*" >&2; exit 2; }
is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

roster=${ROSTER_BIN:-$bench_root/build/roster}
nginx=${NGINX_BIN:-$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)}
seconds=${BENCH_SECONDS:-10}
warmup=${BENCH_WARMUP:-2}
rounds=${BENCH_ROUNDS:-1}
conns=${BENCH_CONNECTIONS:-32}
wrk_threads=${BENCH_WRK_THREADS:-1}
access_log=${BENCH_ACCESS_LOG:-on}
target=${BENCH_TARGET:-50}
cores=$(nproc 2>/dev/null || echo 1)

bench_check_wrk_knobs() {
    is_uint "$seconds" && [ "$seconds" -ge 1 ] || usage_err "BENCH_SECONDS must be a whole number >= 1 (got '$seconds')"
    is_uint "$rounds" && [ "$rounds" -ge 1 ] || usage_err "BENCH_ROUNDS must be a whole number >= 1 (got '$rounds')"
    is_uint "$warmup" || usage_err "BENCH_WARMUP must be a whole number >= 0 (got '$warmup')"
    is_uint "$conns" && [ "$conns" -ge 1 ] || usage_err "BENCH_CONNECTIONS must be a whole number >= 1 (got '$conns')"
    is_uint "$wrk_threads" && [ "$wrk_threads" -ge 1 ] || usage_err "BENCH_WRK_THREADS must be a whole number >= 1"
    [ "$conns" -ge "$wrk_threads" ] || usage_err "BENCH_CONNECTIONS must be >= BENCH_WRK_THREADS"
    is_uint "$target" || usage_err "BENCH_TARGET must be a whole number of percent"
    case "$access_log" in on|off) ;; *) usage_err "BENCH_ACCESS_LOG must be on or off (got '$access_log')" ;; esac
    # One signature serves the whole run; SigV4 allows 15 minutes of clock skew. Keep well inside.
    local total=$(( 2 * (rounds * seconds + warmup) ))
    [ "$total" -le 780 ] || usage_err "2 x (BENCH_ROUNDS x BENCH_SECONDS + BENCH_WARMUP) = ${total}s exceeds the 13 minutes one signature is trusted for"
}

bench_check_tools() {
    [ -x "$roster" ] || die "no roster binary at $roster — build it first (make build, or make bench which builds it), or set ROSTER_BIN"
    command -v wrk >/dev/null 2>&1 || die "wrk is not installed (scripts/deps.sh bench installs it)"
    [ -x "$nginx" ] || die "nginx is not installed at $nginx (scripts/deps.sh bench installs nginx-light), or set NGINX_BIN"
    command -v curl >/dev/null 2>&1 || die "curl is not installed"
    python3 -c 'import botocore' 2>/dev/null || die "python3 with botocore is needed to sign the request (scripts/deps.sh test installs boto3)"
}

# --- temp dir and cleanup ---------------------------------------------------------------
roster_pid=""
nginx_pid=""

stop_pid() { # stop_pid PID SIGNAL: signal, wait up to 5 s, then SIGKILL
    local pid=$1 sig=$2
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill "-$sig" "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

bench_cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_pid "$roster_pid" TERM
    stop_pid "$nginx_pid" QUIT # graceful: the master stops its workers too
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        echo "$bench_name: kept $tmp" >&2
    else
        rm -rf "$tmp"
    fi
    exit "$rc"
}

bench_tmp_init() {
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/roster-bench.XXXXXX")
    trap bench_cleanup EXIT
    trap 'echo "$bench_name: interrupted" >&2; exit 130' INT
    trap 'exit 143' TERM
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# --- roster: store, server --------------------------------------------------------------
roster_start() {
    "$roster" init --db "$tmp/roster.db" >"$tmp/init.out" 2>&1 || { cat "$tmp/init.out" >&2; die "roster init failed"; }
    key_id=$(sed -n 's/^export AWS_ACCESS_KEY_ID=//p' "$tmp/init.out")
    secret=$(sed -n 's/^export AWS_SECRET_ACCESS_KEY=//p' "$tmp/init.out")
    instance=$(sed -n "s/^Instance 'default': \([0-9a-f-]*\) .*/\1/p" "$tmp/init.out")
    [ -n "$key_id" ] && [ -n "$secret" ] && [ -n "$instance" ] || { cat "$tmp/init.out" >&2; die "could not read the access key and instance id from roster init"; }

    roster_log=$tmp/roster.log
    [ "$access_log" = on ] || roster_log=/dev/null
    "$roster" serve --db "$tmp/roster.db" --listen 127.0.0.1:0 >"$tmp/roster.out" 2>"$roster_log" &
    roster_pid=$!
    roster_port=""
    for _ in $(seq 100); do # up to 10 s
        roster_port=$(sed -n 's|^roster is serving .* on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$tmp/roster.out" | head -n1)
        [ -n "$roster_port" ] && break
        kill -0 "$roster_pid" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$roster_port" ]; then
        [ "$roster_log" = /dev/null ] || cat "$roster_log" >&2
        die "roster serve did not start"
    fi
    host="127.0.0.1:$roster_port"
}

# --- sign one GET request ---------------------------------------------------------------
sign_get() {
    local signed
    signed=$(KEY_ID="$key_id" SECRET="$secret" HOST="$host" REQ_PATH="$1" python3 - <<'PY'
import os
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

host, path = os.environ["HOST"], os.environ["REQ_PATH"]
req = AWSRequest(method="GET", url=f"http://{host}{path}", headers={"Host": host})
SigV4Auth(Credentials(os.environ["KEY_ID"], os.environ["SECRET"]), "connect", "us-east-1").add_auth(req)
print(req.headers["X-Amz-Date"])
print(req.headers["Authorization"])
PY
    ) || die "signing the request with botocore failed"
    amz_date=$(sed -n 1p <<<"$signed")
    authorization=$(sed -n 2p <<<"$signed")
    [[ $authorization == AWS4-HMAC-SHA256* ]] || die "unexpected signature output: $signed"
}

# roster_get_ok PATH OUT: the signed GET (sign_get first) must answer 200 with a body.
roster_get_ok() {
    local code
    code=$(curl -sS -o "$2" -w '%{http_code}' --max-time 10 \
        -H "Host: $host" -H "X-Amz-Date: $amz_date" -H "Authorization: $authorization" \
        "http://127.0.0.1:$roster_port$1") || die "curl to roster failed"
    [ "$code" = 200 ] || { cat "$2" >&2; echo >&2; die "signed GET $1 returned HTTP $code, not 200"; }
    body_bytes=$(wc -c <"$2")
    [ "$body_bytes" -gt 0 ] || die "GET $1 returned an empty body"
}

# --- nginx: the same path, a static file of the same size --------------------------------
nginx_start() {
    local npath=$1 bytes=$2 code="" nginx_user="" nginx_access
    mkdir -p "$(dirname "$tmp/www$npath")" "$tmp/nginx"
    head -c "$bytes" /dev/zero | tr '\0' 'x' >"$tmp/www$npath"
    nginx_port=$(free_port)
    [ "$(id -u)" -eq 0 ] && nginx_user="user root;"  # workers must read the 0700 temp dir
    if [ "$access_log" = on ]; then nginx_access="access_log $tmp/nginx-access.log;"; else nginx_access="access_log off;"; fi
    cat >"$tmp/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes $cores;
$nginx_user
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 4096; }
http {
    $nginx_access
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    default_type application/x-amz-json-1.1;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 120s;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$nginx_port;
        root $tmp/www;
        location / { }
    }
}
EOF
    "$nginx" -p "$tmp/nginx" -c "$tmp/nginx.conf" -e "$tmp/nginx-error.log" -t >"$tmp/nginx-test.out" 2>&1 \
        || { cat "$tmp/nginx-test.out" >&2; die "the generated nginx config does not pass nginx -t"; }
    "$nginx" -p "$tmp/nginx" -c "$tmp/nginx.conf" -e "$tmp/nginx-error.log" >/dev/null 2>&1 &
    nginx_pid=$!
    for _ in $(seq 100); do # up to 10 s
        code=$(curl -s -o "$tmp/nginx-check" -w '%{http_code}' --max-time 2 "http://127.0.0.1:$nginx_port$npath" || true)
        [ "$code" = 200 ] && break
        kill -0 "$nginx_pid" 2>/dev/null || break
        sleep 0.1
    done
    [ "$code" = 200 ] || { cat "$tmp/nginx-error.log" >&2 2>/dev/null || true; die "nginx did not start (last HTTP status '$code')"; }
    [ "$(wc -c <"$tmp/nginx-check")" -eq "$bytes" ] || die "nginx serves a body of a different size"
}

# --- wrk -------------------------------------------------------------------------------
# The same request bytes go to both servers: nginx ignores the signature headers.
lua_str() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
wrk_script() {
    cat >"$tmp/signed.lua" <<EOF
-- One SigV4-signed GET request, replayed on every connection (keep-alive).
wrk.method = "GET"
wrk.path = "$(lua_str "$1")"
wrk.headers["Host"] = "$(lua_str "$host")"
wrk.headers["X-Amz-Date"] = "$(lua_str "$amz_date")"
wrk.headers["Authorization"] = "$(lua_str "$authorization")"

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("BENCH requests=%d duration_us=%d status_errors=%d connect=%d read=%d write=%d timeout=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
        summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
EOF
    : >"$tmp/results"
}

# cpu_ticks PID: user+system CPU clock ticks of PID (all its threads) and of its children
# (nginx's workers), from /proc.
cpu_ticks() {
    local p total=0 t
    for p in "$1" $(pgrep -P "$1" 2>/dev/null || true); do
        t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || t=0
        total=$((total + ${t:-0}))
    done
    echo "$total"
}
clk_tck=$(getconf CLK_TCK 2>/dev/null || echo 100)

# run_wrk NAME PORT ROUND: one measured wrk run (after a warm-up in round 1); appends
# "NAME ROUND rps requests p50_us p90_us p99_us status_errors socket_errors cpu_us_per_request"
# to results.
run_wrk() {
    local name=$1 port=$2 round=$3 out=$tmp/wrk-$1-$3.out line field rps
    local url="http://127.0.0.1:$port$path"
    if [ "$round" = 1 ] && [ "$warmup" -gt 0 ]; then
        wrk -t"$wrk_threads" -c"$conns" -d"${warmup}s" -s "$tmp/signed.lua" "$url" >"$tmp/wrk-$name-warmup.out" 2>&1 \
            || { cat "$tmp/wrk-$name-warmup.out" >&2; die "wrk warm-up against $name failed"; }
    fi
    local pid cpu0 cpu1
    pid=$([ "$name" = nginx ] && echo "$nginx_pid" || echo "$roster_pid")
    cpu0=$(cpu_ticks "$pid")
    wrk -t"$wrk_threads" -c"$conns" -d"${seconds}s" --timeout 5s -s "$tmp/signed.lua" "$url" >"$out" 2>&1 \
        || { cat "$out" >&2; die "wrk against $name failed"; }
    cpu1=$(cpu_ticks "$pid")
    line=$(grep '^BENCH ' "$out") || { cat "$out" >&2; die "no summary from wrk against $name"; }
    local requests=0 p50_us=0 p90_us=0 p99_us=0 status_errors=0 connect=0 read=0 write=0 timeout=0
    for field in $line; do
        case "$field" in
            requests=*|p50_us=*|p90_us=*|p99_us=*|status_errors=*|connect=*|read=*|write=*|timeout=*)
                printf -v "${field%%=*}" '%s' "${field#*=}" ;;
        esac
    done
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    [ -n "$rps" ] || { cat "$out" >&2; die "no Requests/sec from wrk against $name"; }
    local cpu_per_req
    cpu_per_req=$(awk -v t="$((cpu1 - cpu0))" -v hz="$clk_tck" -v n="$requests" 'BEGIN { printf "%.1f", (n > 0) ? t * 1e6 / hz / n : 0 }')
    echo "$name $round $rps $requests $p50_us $p90_us $p99_us $status_errors $((connect + read + write + timeout)) $cpu_per_req" >>"$tmp/results"
}

# run_wrk_rounds: BENCH_ROUNDS alternating (nginx, roster) runs.
run_wrk_rounds() {
    local round
    for round in $(seq "$rounds"); do
        run_wrk nginx "$nginx_port" "$round"
        run_wrk roster "$roster_port" "$round"
    done
}

# --- report ----------------------------------------------------------------------------
# wrk_report: checks every run of $tmp/results (status and socket errors make the run invalid),
# prints the table (per round when several, then the medians) and the ratio line. Sets
# wrk_failed (0|1), verdict (PASS | BELOW TARGET | INVALID …) and wrk_ratio (percent).
wrk_report() {
    wrk_failed=0
    local name round st sock
    while read -r name round _ _ _ _ _ st sock _; do
        if [ "$st" -gt 0 ]; then
            echo "INVALID RUN: $name answered $st requests with a non-2xx/3xx status in round $round (for roster: signature expired or rejected?)" >&2
            sed 's/^/    /' "$tmp/wrk-$name-$round.out" >&2
            wrk_failed=1
        fi
        if [ "$sock" -gt 0 ]; then
            echo "INVALID RUN: wrk saw $sock socket errors against $name in round $round" >&2
            sed 's/^/    /' "$tmp/wrk-$name-$round.out" >&2
            wrk_failed=1
        fi
    done <"$tmp/results"

    # Per round (when there are several), then per server: the median of each column.
    awk -v rounds="$rounds" -v target="$target" -v failed="$wrk_failed" '
function ms(us) { return sprintf("%.2f ms", us / 1000) }
function median(name, col,    n, i, j, t, v) {
    n = 0
    for (i = 1; i <= rounds; i++) v[++n] = val[name, i, col]
    for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function row(label, rps, req, p50, p90, p99, err, cpu) {
    printf "  %-14s %12.2f %10s %10s %10s %12d %8d %10.1f\n", label, rps, ms(p50), ms(p90), ms(p99), req, err, cpu
}
{ for (c = 3; c <= 10; c++) val[$1, $2, c] = $c }
END {
    printf "  %-14s %12s %10s %10s %10s %12s %8s %10s\n", "server", "req/s", "p50", "p90", "p99", "requests", "errors", "cpu us/req"
    if (rounds > 1) {
        for (i = 1; i <= rounds; i++)
            for (k = 1; k <= 2; k++) {
                s = (k == 1) ? "nginx" : "roster"
                row(s " #" i, val[s, i, 3], val[s, i, 4], val[s, i, 5], val[s, i, 6], val[s, i, 7], val[s, i, 8] + val[s, i, 9], val[s, i, 10])
            }
        printf "  medians of %d rounds:\n", rounds
    }
    for (k = 1; k <= 2; k++) {
        s = (k == 1) ? "nginx" : "roster"
        err = 0
        for (i = 1; i <= rounds; i++) err += val[s, i, 8] + val[s, i, 9]
        rps[s] = median(s, 3)
        cpu[s] = median(s, 10)
        row(s, rps[s], median(s, 4), median(s, 5), median(s, 6), median(s, 7), err, cpu[s])
    }
    ratio = (rps["nginx"] > 0) ? 100 * rps["roster"] / rps["nginx"] : 0
    verdict = (ratio >= target) ? "PASS" : "BELOW TARGET"
    if (failed) verdict = "INVALID (see the errors above; the figures do not count)"
    printf "\n  roster / nginx   %.1f %%   (target >= %d %%)   %s\n", ratio, target, verdict
    if (cpu["roster"] > 0)
        printf "  CPU per request: roster uses %.1fx what nginx does (server processes only; wrk not counted)\n", cpu["roster"] / cpu["nginx"]
    print verdict > "/dev/stderr"
    printf "%.1f %.2f %.2f\n", ratio, rps["nginx"], rps["roster"] > "/dev/stderr"
}' "$tmp/results" 2>"$tmp/verdict"
    verdict=$(sed -n 1p "$tmp/verdict")
    wrk_ratio=$(sed -n 2p "$tmp/verdict" | cut -d' ' -f1)
    wrk_nginx_rps=$(sed -n 2p "$tmp/verdict" | cut -d' ' -f2)
    wrk_roster_rps=$(sed -n 2p "$tmp/verdict" | cut -d' ' -f3)
}

# The access-log mode in words, for the report header.
access_log_note() {
    if [ "$access_log" = on ]; then
        echo "on for both (nginx access_log and roster's stderr access lines, each to a file)"
    else
        echo "off for both (nginx access_log off; roster's stderr to /dev/null)"
    fi
}
