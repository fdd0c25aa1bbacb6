#!/usr/bin/env bash
# perf:ai's transport against a real HTTP/2 server: nginx (Debian's nginx-light) over TLS with
# `listen ... ssl http2`, answering POST /v1/chat/completions with an OpenAI-style SSE stream
# (`return 200`, written from OpenAI's streaming chat reference: chat.completion.chunk objects,
# a usage chunk, `data: [DONE]`). The certificate is made here for 127.0.0.1 and trusted through
# CURL_CA_BUNDLE, as the curl tool reads it (before SSL_CERT_FILE). Checked: --http2 negotiates
# HTTP/2 (ALPN) and every answer is counted under "2"; without it HTTP/1.1; an untrusted
# certificate is a connect error that says TLS.
source "$(dirname "$0")/lib.sh"

for tool in nginx openssl; do
    if ! command -v "$tool" >/dev/null; then
        if [[ -n "${FARM_TEST_STRICT:-}" ]]; then
            fail "$tool is missing (scripts/setup-deps.sh --test installs it)"
        else
            echo "SKIP [$TEST_NAME] $tool is not installed"
        fi
        finish
        exit
    fi
done

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 2 \
    -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>"$WORK/openssl.err" ||
    { fail "openssl could not make a certificate: $(tail -1 "$WORK/openssl.err")"; finish; exit; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
chunk='data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok \"},\"finish_reason\":null}]}\n\n'
body=$(printf '%b' "$chunk$chunk$chunk"'data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8}}\n\ndata: [DONE]\n\n')
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 256; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$port ssl http2;
        ssl_certificate $WORK/cert.pem;
        ssl_certificate_key $WORK/key.pem;
        location /v1/chat/completions {
            default_type text/event-stream;
            return 200 '$body';
        }
    }
}
CONF
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" 2>"$WORK/nginx.err" ||
    { fail "nginx did not start: $(cat "$WORK/nginx.err")"; finish; exit; }
trap 'kill "$(cat "$WORK/nginx/nginx.pid" 2>/dev/null)" 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do
    [[ -s "$WORK/nginx/nginx.pid" ]] && break
    sleep 0.1
done
URL="https://127.0.0.1:$port/v1"

versions='d["results"][0]["load"]["http_versions"]'
OUT=$(CURL_CA_BUNDLE="$WORK/cert.pem" "$FARM" perf:ai --provider openai --url "$URL" --model m \
    --requests 4 --http2 --no-record --json 2>"$WORK/err"); RC=$?; ERR=$(cat "$WORK/err")
expect_rc 0 "perf:ai --http2 over TLS"
expect_eq "$(json_get "$OUT" "$versions")" "{'2': 4}" "every answer in HTTP/2"
expect_eq "$(json_get "$OUT" '(d["results"][0]["errors"]["count"], d["results"][0]["output_tokens"]["median"], d["results"][0]["token_source"])')" \
    "(0, 3.0, 'server')" "the stream decoded over HTTP/2"

OUT=$(CURL_CA_BUNDLE="$WORK/cert.pem" "$FARM" perf:ai --provider openai --url "$URL" --model m \
    --requests 4 --no-record --json 2>"$WORK/err"); RC=$?; ERR=$(cat "$WORK/err")
expect_rc 0 "perf:ai over TLS without --http2"
expect_eq "$(json_get "$OUT" "$versions")" "{'1.1': 4}" "HTTP/1.1 unless --http2, as vLLM's client"

OUT=$(env -u SSL_CERT_FILE -u CURL_CA_BUNDLE "$FARM" perf:ai --provider openai --url "$URL" \
    --model m --requests 2 --warmup 0 --http2 --no-record --json 2>"$WORK/err"); RC=$?; ERR=$(cat "$WORK/err")
expect_eq "$(json_get "$OUT" '(d["results"][0]["errors"]["count"], list(d["results"][0]["errors"]["by_class"]))')" \
    "(2, ['connect'])" "a certificate nobody trusts fails every request"
expect_contains "$ERR$OUT" "no TLS connection to" "the failure says TLS, not a broken-off answer"
finish
