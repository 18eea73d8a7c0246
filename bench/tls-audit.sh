#!/usr/bin/env bash
# Audits FreezeGate's HTTPS listener with Debian's testssl.sh and compares it with nginx 1.22
# configured the same way (Mozilla "intermediate": TLS 1.2 and 1.3, the same TLS 1.2 ciphers),
# both serving the same certificate (EC P-256, from a CA made for the run) on 127.0.0.1.
# Prints each server's findings by severity and every finding where FreezeGate rates worse than
# nginx; exits 1 if there is one.
#
#   bench/tls-audit.sh
source "$(dirname "$0")/common.sh"

need testssl testssl.sh
need nginx nginx
need openssl openssl
build_freezegate

GATE_PORT=18443
GATE_ADMIN_PORT=18444
NGINX_PORT=18445
UPSTREAM_PORT=18446

# A CA and a server certificate for the names the scan uses.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 398 \
    -subj "/CN=FreezeGate audit CA" -keyout "$WORK/ca.key" -out "$WORK/ca.pem" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj "/CN=acme.s20.online" -keyout "$WORK/server.key" -out "$WORK/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:acme.s20.online,DNS:*.s20.online\nextendedKeyUsage=serverAuth\n' > "$WORK/ext.cnf"
openssl x509 -req -in "$WORK/server.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" -CAcreateserial -days 90 \
    -extfile "$WORK/ext.cnf" -out "$WORK/server.crt" 2>/dev/null
cat "$WORK/server.crt" "$WORK/ca.pem" > "$WORK/chain.pem"

# The origin both answer for (the scan makes a few plain GETs).
start_nginx origin "
user root;
events { worker_connections 256; }
http { access_log off; server { listen 127.0.0.1:$UPSTREAM_PORT; location / { return 200 'ok'; } } }"
# nginx with Mozilla's intermediate settings (ssl-config.mozilla.org, nginx 1.22, OpenSSL 3).
start_nginx tls "
user root;
events { worker_connections 256; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$NGINX_PORT ssl;
        ssl_certificate $WORK/chain.pem;
        ssl_certificate_key $WORK/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
        ssl_prefer_server_ciphers off;
        ssl_session_timeout 1d;
        ssl_session_cache shared:MozSSL:10m;
        ssl_session_tickets off;
        add_header Strict-Transport-Security \"max-age=63072000\" always;
        location / { proxy_pass http://127.0.0.1:$UPSTREAM_PORT; }
    }
}"
"$FREEZEGATE" serve --database-url "postgresql://nobody@/none?host=$WORK/nodb" \
    --upstream "http://127.0.0.1:$UPSTREAM_PORT" --tls-listen "127.0.0.1:$GATE_PORT" \
    --admin-listen "127.0.0.1:$GATE_ADMIN_PORT" --tls-cert "$WORK/chain.pem" --tls-key "$WORK/server.key" \
    --hsts-max-age 63072000 --access-log off > "$WORK/freezegate.out" 2>&1 &
PIDS+=($!)
wait_for_port $UPSTREAM_PORT
wait_for_port $NGINX_PORT
wait_for_port $GATE_PORT

scan() { # scan NAME PORT
    # --ip: test 127.0.0.1 instead of resolving the name (which only names the certificate's
    # host for SNI and the Host header); --add-ca: the run's CA is trusted.
    testssl --quiet --color 0 --warnings batch --ip 127.0.0.1 --add-ca "$WORK/ca.pem" \
        --jsonfile "$WORK/$1.json" "https://acme.s20.online:$2" > "$WORK/$1.txt" 2>&1 || true
}
echo "scanning FreezeGate (127.0.0.1:$GATE_PORT) and nginx (127.0.0.1:$NGINX_PORT) with $(testssl --version 2>/dev/null | grep -o 'testssl.sh *[0-9.]*[^ ]*' | head -1)" >&2
scan freezegate $GATE_PORT
scan nginx $NGINX_PORT

python3 - "$WORK/freezegate.json" "$WORK/nginx.json" <<'PY'
import json, sys
order = ["OK", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
def load(path):
    findings = {}
    for item in json.load(open(path)):
        severity = item.get("severity", "INFO")
        if severity in order:
            findings[item["id"]] = (severity, item.get("finding", ""))
    return findings
gate, nginx = load(sys.argv[1]), load(sys.argv[2])
for name, findings in (("FreezeGate", gate), ("nginx", nginx)):
    counts = {s: sum(1 for v in findings.values() if v[0] == s) for s in order}
    print(f"{name:10} " + "  ".join(f"{s} {counts[s]}" for s in order))
worse = []
for key, (severity, finding) in sorted(gate.items()):
    if order.index(severity) <= order.index("INFO"):
        continue
    theirs = nginx.get(key, ("OK", ""))[0]
    if order.index(severity) > order.index(theirs):
        worse.append(f"  {key}: FreezeGate {severity} ({finding}); nginx {theirs}")
print("findings where FreezeGate rates worse than nginx:", "none" if not worse else "")
for line in worse:
    print(line)
for key, (severity, finding) in sorted(gate.items()):
    if order.index(severity) >= order.index("LOW"):
        print(f"  FreezeGate {severity:8} {key}: {finding}")
for key, (severity, finding) in sorted(nginx.items()):
    if order.index(severity) >= order.index("LOW"):
        print(f"  nginx      {severity:8} {key}: {finding}")
sys.exit(1 if worse else 0)
PY
