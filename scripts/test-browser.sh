#!/usr/bin/env bash
# The real-browser test of `nucleiseg serve`: headless Chromium (Debian's chromium and
# chromium-driver, installed when missing) driven by Selenium (from PyPI, in a throw-away virtual
# environment) opens the page, uploads a bundled image, waits for the overlay, and checks the
# count and the downloaded labels against `nucleiseg predict` on the same image; then a corrupt
# file, whose message must be the CLI's; docs/openapi.yaml is checked as a spec and against the
# server's real answers; then Ctrl-C, SIGTERM, and Ctrl-C twice during a request, each of which
# must stop the server and remove its temporary folder. SCREENSHOT=FILE also saves the page at
# 1280x800 (docs/serve-page.png).
set -euo pipefail
cd "$(dirname "$0")/.."

binary=.build/release/nucleiseg
[ -x "$binary" ] || swift build -c release --product nucleiseg

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    echo "installing: chromium chromium-driver"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium chromium-driver
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

venv=.build/browser-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import selenium, openapi_spec_validator, yaml" 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "selenium>=4.20,<5" "openapi-spec-validator>=0.7" pyyaml
fi

image_id=0c6507d493bf79b2ba248c5cca3d14df8b67328b89efa5f4a32f97a06a88c92c
image="$PWD/data/dsb2018/test/$image_id/images/$image_id.png"
second_id=1a75e9f15481d11084fe66bc2a5afac6dc5bec20ed56a7351a6d65ef0fe8762b
second="$PWD/data/dsb2018/test/$second_id/images/$second_id.png"

# What the command line gives for the same image (default options, like the page).
"$binary" predict "$image" --output "$work/cli" > "$work/cli.txt"
cli_count=$(sed -n 's/.*: \([0-9][0-9]*\) nuclei$/\1/p' "$work/cli.txt")
"$binary" predict "$image" --min-area 200 --output "$work/cli-200" > "$work/cli-200.txt"
cli_count_200=$(sed -n 's/.*: \([0-9][0-9]*\) nuclei$/\1/p' "$work/cli-200.txt")
head -c 3000 "$image" > "$work/broken.png"
if "$binary" predict "$work/broken.png" --output "$work/cli-broken" 2> "$work/cli-broken.txt" >/dev/null; then
    echo "error: predict accepted a truncated PNG" >&2; exit 1
fi
cli_error=$(sed -e 's/^error: //' -e "s|$work/||" "$work/cli-broken.txt")

"$binary" serve --port 0 > "$work/serve.txt" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 600); do
    url=$(sed -n 's/^serving \(http:[^ ]*\) .*/\1/p' "$work/serve.txt")
    [ -n "$url" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.txt" >&2; exit 1; }
    sleep 0.1
done
[ -n "$url" ] || { echo "error: the server did not start" >&2; cat "$work/serve.txt" >&2; exit 1; }

set +e
"$venv/bin/python" Tests/browser/serve_page_test.py --url "$url" --image "$image" --broken "$work/broken.png" --second-image "$second" \
    --cli-count "$cli_count" --cli-labels "$work/cli/${image_id}_labels.png" --cli-error "$cli_error" \
    --min-area 200 --cli-count-min-area "$cli_count_200" \
    --openapi docs/openapi.yaml --downloads "$work/downloads" ${SCREENSHOT:+--screenshot "$SCREENSHOT"} | tee "$work/browser.txt"
status=${PIPESTATUS[0]}
passed=$(sed -n 's/^browser: \([0-9]*\) passed.*/\1/p' "$work/browser.txt"); passed=${passed:-0}
failed=$(sed -n 's/^browser: [0-9]* passed, \([0-9]*\) failed.*/\1/p' "$work/browser.txt"); failed=${failed:-1}
set -e

# Ctrl-C: the server stops by itself and removes its temporary folder.
kill -INT "$server_pid"
stopped=1
for _ in $(seq 1 100); do
    kill -0 "$server_pid" 2>/dev/null || { stopped=0; break; }
    sleep 0.1
done
if [ $stopped -ne 0 ]; then
    echo "FAIL: the server did not stop within 10 s of SIGINT"; status=1; failed=$((failed + 1))
else
    set +e
    wait "$server_pid"; code=$?
    set -e
    leftovers=$(ls -d "${TMPDIR:-/tmp}/nucleiseg-serve-$server_pid-"* 2>/dev/null || true)
    if [ $code -ne 0 ] || [ -n "$leftovers" ]; then
        echo "FAIL: after SIGINT: exit status $code, left: ${leftovers:-nothing}"; status=1; failed=$((failed + 1))
    else
        echo "ok: SIGINT stopped the server (status 0) and its temporary folder is gone"; passed=$((passed + 1))
    fi
fi
server_pid=""

# SIGTERM (how a service manager stops it): the same clean stop.
"$binary" serve --port 0 > "$work/serve-term.txt" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
    grep -q '^serving http' "$work/serve-term.txt" && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
kill -TERM "$server_pid"
set +e
wait "$server_pid"; code=$?
set -e
leftovers=$(ls -d "${TMPDIR:-/tmp}/nucleiseg-serve-$server_pid-"* 2>/dev/null || true)
if [ $code -ne 0 ] || [ -n "$leftovers" ] || ! grep -q '^stopped; temporary files removed' "$work/serve-term.txt"; then
    echo "FAIL: after SIGTERM: exit status $code, left: ${leftovers:-nothing}"; cat "$work/serve-term.txt"; status=1; failed=$((failed + 1))
else
    echo "ok: SIGTERM stopped the server (status 0) and its temporary folder is gone"; passed=$((passed + 1))
fi
server_pid=""

# Ctrl-C twice while an image runs: out at once (status 130), the temporary folder still removed.
"$binary" serve --port 0 > "$work/serve-twice.txt" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 600); do
    url=$(sed -n 's/^serving \(http:[^ ]*\) .*/\1/p' "$work/serve-twice.txt")
    [ -n "$url" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
slow="$PWD/data/dsb2018/test/0ea221716cf13710214dcd331a61cea48308c3940df1d28cfc7fd817c83714e1/images/0ea221716cf13710214dcd331a61cea48308c3940df1d28cfc7fd817c83714e1.png"
"$venv/bin/python" -c 'import sys, urllib.request
try: urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=open(sys.argv[2], "rb").read()))
except Exception: pass' "${url}api/segment?name=slow.png&tta=true" "$slow" &
client_pid=$!
sleep 0.5
kill -INT "$server_pid"; sleep 0.3; kill -INT "$server_pid"
set +e
wait "$server_pid"; code=$?
wait "$client_pid"
set -e
leftovers=$(ls -d "${TMPDIR:-/tmp}/nucleiseg-serve-$server_pid-"* 2>/dev/null || true)
if [ $code -ne 130 ] || [ -n "$leftovers" ] || ! grep -q '^stopping: finishing the requests in flight' "$work/serve-twice.txt"; then
    echo "FAIL: Ctrl-C twice during a request: exit status $code (expected 130), left: ${leftovers:-nothing}"; cat "$work/serve-twice.txt"; status=1; failed=$((failed + 1))
else
    echo "ok: Ctrl-C twice during a request quits at once (status 130) and its temporary folder is gone"; passed=$((passed + 1))
fi
server_pid=""
echo "serve: $passed passed, $failed failed"
exit $status
