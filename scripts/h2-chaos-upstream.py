"""Upstream for scripts/h2-chaos.sh: an HTTP/1.1 origin on 127.0.0.1 that logs every request it
sees as one JSON line (method, path, x-request-id, framing, body bytes received, whether the body
was complete, response bytes sent, whether the response was sent whole).

    python3 h2-chaos-upstream.py PORT LOGFILE

GET  .../big?size=N&delay_ms=D   N bytes (default 1 MiB) in 16 KiB chunks, D ms between chunks
GET  .../slow?ms=D               waits D ms, then 1 KiB
GET  anything else               1 KiB
POST/PUT anything                reads the body (Content-Length or chunked), answers
                                 "received=N"; ?slowread_ms=D waits D ms between 16 KiB reads
"""
import http.server
import json
import socket
import sys
import threading
import time
import urllib.parse

PORT = int(sys.argv[1])
LOG = open(sys.argv[2], "a", buffering=1)
LOCK = threading.Lock()
ONE_K = b"x" * 1024
CHUNK = b"y" * 16384


def log(record):
    with LOCK:
        LOG.write(json.dumps(record) + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 120

    def log_message(self, *args):
        pass

    def parse_request(self):
        self.t0 = time.time()
        return super().parse_request()

    def record(self, **extra):
        r = {
            "t": round(time.time(), 3),
            "t0": round(getattr(self, "t0", 0), 3),
            "conn": "%s:%d" % self.client_address,
            "method": self.command,
            "path": self.path,
            "host": self.headers.get("Host"),
            "rid": self.headers.get("X-Request-ID"),
            "cl": self.headers.get("Content-Length"),
            "te": self.headers.get("Transfer-Encoding"),
        }
        r.update(extra)
        log(r)

    def query(self):
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))

    def send_body(self, status, body_len, chunk_source, delay=0.0):
        self.send_response(status)
        self.send_header("Content-Length", str(body_len))
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        sent = 0
        try:
            while sent < body_len:
                n = min(body_len - sent, len(chunk_source))
                self.wfile.write(chunk_source[:n])
                self.wfile.flush()
                sent += n
                if delay:
                    time.sleep(delay)
        except (BrokenPipeError, ConnectionResetError, socket.timeout, OSError):
            self.close_connection = True
        return sent

    def do_GET(self):
        q = self.query()
        path = urllib.parse.urlsplit(self.path).path
        if path.endswith("/big"):
            size = int(q.get("size", 1 << 20))
            delay = int(q.get("delay_ms", 0)) / 1000
            sent = self.send_body(200, size, CHUNK, delay)
            self.record(received=0, body_complete=True, sent=sent, resp_complete=sent == size)
            return
        if path.endswith("/chunked"):
            # chunked response, N chunks of 1000 bytes, with a trailer
            n = int(q.get("n", 5))
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Trailer", "x-trailer")
            self.end_headers()
            for _ in range(n):
                self.wfile.write(b"3e8\r\n" + b"c" * 1000 + b"\r\n")
            self.wfile.write(b"0\r\nx-trailer: done\r\n\r\n")
            self.record(received=0, body_complete=True, sent=n * 1000, resp_complete=True)
            return
        if path.endswith("/status"):
            code = int(q.get("code", 204))
            self.send_response(code)
            if code not in (204, 304):
                self.send_header("Content-Length", "0")
            self.end_headers()
            self.record(received=0, body_complete=True, sent=0, resp_complete=True)
            return
        if path.endswith("/cut"):
            # promises 100000 bytes, sends 30000, closes: an upstream failing mid-response
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"k" * 30000)
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            self.record(received=0, body_complete=True, sent=30000, resp_complete=False)
            return
        if path.endswith("/slow"):
            time.sleep(int(q.get("ms", 1000)) / 1000)
        sent = self.send_body(200, 1024, ONE_K)
        self.record(received=0, body_complete=True, sent=sent, resp_complete=sent == 1024)

    def read_body(self, slow):
        received = 0
        complete = True
        try:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                while True:
                    line = self.rfile.readline()
                    if not line:
                        complete = False
                        break
                    size = int(line.split(b";")[0], 16)
                    if size == 0:
                        while True:
                            t = self.rfile.readline()
                            if t in (b"\r\n", b""):
                                if t == b"":
                                    complete = False
                                break
                        break
                    left = size
                    while left > 0:
                        data = self.rfile.read(min(left, 16384))
                        if not data:
                            complete = False
                            break
                        left -= len(data)
                        received += len(data)
                        if slow:
                            time.sleep(slow)
                    if not complete:
                        break
                    self.rfile.readline()
            else:
                left = int(self.headers.get("Content-Length", "0"))
                while left > 0:
                    data = self.rfile.read1(min(left, 16384)) if hasattr(self.rfile, "read1") else self.rfile.read(min(left, 16384))
                    if not data:
                        complete = False
                        break
                    left -= len(data)
                    received += len(data)
                    if slow:
                        time.sleep(slow)
        except (ConnectionResetError, socket.timeout, OSError, ValueError):
            complete = False
        return received, complete

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("Content-Length", "1024")
        self.end_headers()
        self.record(received=0, body_complete=True, sent=0, resp_complete=True)

    def do_POST(self):
        q = self.query()
        if urllib.parse.urlsplit(self.path).path.endswith("/early"):
            # answers before reading the body, then closes
            body = b"early\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True
            self.record(received=0, body_complete=False, sent=len(body), resp_complete=True)
            return
        slow = int(q.get("slowread_ms", 0)) / 1000
        received, complete = self.read_body(slow)
        if not complete:
            self.close_connection = True
            self.record(received=received, body_complete=False, sent=0, resp_complete=False)
            return
        body = f"received={received}\n".encode()
        sent = self.send_body(200, len(body), body)
        self.record(received=received, body_complete=True, sent=sent, resp_complete=sent == len(body))

    do_PUT = do_POST


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


Server(("127.0.0.1", PORT), Handler).serve_forever()
