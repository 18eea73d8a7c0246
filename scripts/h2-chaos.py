"""Frame-level HTTP/2 abuse for scripts/h2-chaos.sh (python `h2`, TLS with ALPN h2).

    h2-chaos.py --port 18392 --duration 60            # every scenario in a loop, 3 threads
    h2-chaos.py --port 18392 --only cl_short --once   # one scenario once, verbose

Each scenario tags its request paths with ?tag=NAME-N so that the upstream's log
(scripts/h2-chaos-upstream.py) can be matched. It prints one line per scenario run:
"NAME ok ..." or "NAME FAIL ...", and a count per scenario at the end.
"""
import argparse
import collections
import itertools
import random
import socket
import ssl
import sys
import threading
import time

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions
import h2.settings

COUNTER = itertools.count()
RESULTS = collections.Counter()
LOCK = threading.Lock()
VERBOSE = False


def tag(name):
    return f"{name}-{next(COUNTER)}"


class Stream:
    def __init__(self):
        self.status = None
        self.headers = None
        self.body = 0
        self.ended = False
        self.reset = None
        self.trailers = None


class Conn:
    def __init__(self, port, host="t00042.s20.online", settings=None, auto_window=True):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.set_alpn_protocols(["h2"])
        raw = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock = ctx.wrap_socket(raw, server_hostname=host)
        assert self.sock.selected_alpn_protocol() == "h2", self.sock.selected_alpn_protocol()
        self.host = host
        self.h2 = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.h2.initiate_connection()
        if settings:
            self.h2.update_settings(settings)
        self.streams = collections.defaultdict(Stream)
        self.goaway = None
        self.closed = False
        self.auto_window = auto_window
        self.remote_max_streams = None
        self.pings_acked = 0
        self.flush()

    def flush(self):
        data = self.h2.data_to_send()
        if data:
            self.sock.sendall(data)

    def request(self, method, path, body=None, end=True, extra=(), content_length=None):
        sid = self.h2.get_next_available_stream_id()
        headers = [(":method", method), (":scheme", "https"), (":authority", self.host), (":path", path)]
        if content_length is not None:
            headers.append(("content-length", str(content_length)))
        headers.extend(extra)
        self.h2.send_headers(sid, headers, end_stream=(end and not body))
        if body:
            self.send_body(sid, body, end=end)
        self.flush()
        self.streams[sid]
        return sid

    def send_body(self, sid, body, end=True):
        """Sends as much as the windows allow, pumping for WINDOW_UPDATE meanwhile."""
        view = memoryview(body)
        deadline = time.time() + 30
        while view:
            window = min(self.h2.local_flow_control_window(sid), self.h2.max_outbound_frame_size)
            if window <= 0:
                self.pump(0.2)
                if self.closed or self.streams[sid].reset is not None or time.time() > deadline:
                    return False
                continue
            chunk, view = view[:window], view[window:]
            self.h2.send_data(sid, bytes(chunk), end_stream=(end and not view))
            self.flush()
        if end and not body:
            self.h2.end_stream(sid)
            self.flush()
        return True

    def pump(self, timeout):
        """Reads frames for up to `timeout` seconds (returns after the first batch)."""
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except (socket.timeout, TimeoutError):
            return
        except (ConnectionResetError, ssl.SSLError, OSError):
            self.closed = True
            return
        if not data:
            self.closed = True
            return
        try:
            events = self.h2.receive_data(data)
        except h2.exceptions.ProtocolError as e:
            self.closed = True
            self.error = e
            return
        for ev in events:
            if isinstance(ev, h2.events.ResponseReceived):
                s = self.streams[ev.stream_id]
                s.headers = dict(ev.headers)
                s.status = int(s.headers.get(":status", 0))
            elif isinstance(ev, h2.events.DataReceived):
                self.streams[ev.stream_id].body += len(ev.data)
                if self.auto_window and ev.flow_controlled_length:
                    try:
                        self.h2.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
                    except h2.exceptions.StreamClosedError:
                        pass
            elif isinstance(ev, h2.events.TrailersReceived):
                self.streams[ev.stream_id].trailers = ev.headers
            elif isinstance(ev, h2.events.StreamEnded):
                self.streams[ev.stream_id].ended = True
            elif isinstance(ev, h2.events.StreamReset):
                self.streams[ev.stream_id].reset = ev.error_code
            elif isinstance(ev, h2.events.ConnectionTerminated):
                self.goaway = (ev.error_code, ev.last_stream_id)
            elif isinstance(ev, h2.events.RemoteSettingsChanged):
                ch = ev.changed_settings.get(h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS)
                if ch:
                    self.remote_max_streams = ch.new_value
            elif isinstance(ev, h2.events.PingAckReceived):
                self.pings_acked += 1
        try:
            self.flush()
        except OSError:
            self.closed = True

    def wait(self, sids, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline and not self.closed:
            if all(self.streams[s].ended or self.streams[s].reset is not None for s in sids):
                return True
            self.pump(0.5)
        return all(self.streams[s].ended or self.streams[s].reset is not None for s in sids)

    def reset(self, sid, code=h2.errors.ErrorCodes.CANCEL):
        self.h2.reset_stream(sid, code)
        self.streams[sid].reset = ("local", code)
        self.flush()

    def raw_goaway(self, last_stream_id=0, code=0):
        """A GOAWAY written past h2's state machine, which would stop reading after its own."""
        import struct
        payload = struct.pack(">II", last_stream_id, code)
        frame = struct.pack(">I", len(payload))[1:] + bytes([0x7, 0]) + struct.pack(">I", 0) + payload
        self.sock.sendall(frame)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def rst_close(self):
        """An abrupt drop: RST on the TCP connection (SO_LINGER 0)."""
        import struct
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close()


def ok_get(c, path="/customer/1/file"):
    sid = c.request("GET", path)
    done = c.wait([sid])
    s = c.streams[sid]
    return done and s.ended and s.status == 200 and s.body == 1024, s


# ---- scenarios: each returns (ok, detail) ------------------------------------------------------

def sc_rst_after_headers(port):
    c = Conn(port)
    t = tag("rsthead")
    sid = c.request("GET", f"/customer/1/slow?ms=300&tag={t}")
    c.reset(sid)
    sid2 = c.request("POST", f"/customer/1/upload?tag={t}p", end=False, content_length=1000)
    c.reset(sid2)
    good, s = ok_get(c, f"/customer/1/file?tag={t}after")
    c.close()
    return good, f"sibling after resets: status={s.status} body={s.body} reset={s.reset}"


def sc_rst_partial_data(port):
    c = Conn(port)
    t = tag("rstdata")
    sid = c.request("POST", f"/customer/1/upload?tag={t}", body=b"a" * 10000, end=False, content_length=100000)
    c.pump(0.05)
    c.reset(sid)
    # A sibling on the same connection still works.
    good, s = ok_get(c, f"/customer/1/file?tag={t}after")
    c.close()
    return good, f"sent 10000 of 100000 then RST; sibling status={s.status} body={s.body}"


def sc_rst_during_response(port):
    c = Conn(port)
    t = tag("rstresp")
    sid = c.request("GET", f"/customer/1/big?size=4194304&delay_ms=2&tag={t}")
    deadline = time.time() + 10
    while c.streams[sid].body < 100000 and time.time() < deadline and not c.closed:
        c.pump(0.5)
    got = c.streams[sid].body
    c.reset(sid)
    good, s = ok_get(c, f"/customer/1/file?tag={t}after")
    c.close()
    return good and got >= 100000, f"got {got} B then RST; sibling status={s.status} body={s.body}"


def sc_stop_reading(port):
    # Tiny initial stream window, no WINDOW_UPDATE ever: the response stalls; then close.
    c = Conn(port, settings={h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 1}, auto_window=False)
    t = tag("stopread")
    sids = [c.request("GET", f"/customer/1/big?size=2097152&tag={t}-{i}") for i in range(3)]
    end = time.time() + 3
    while time.time() < end and not c.closed:
        c.pump(0.5)
    bodies = [c.streams[s].body for s in sids]
    c.close()
    return not c.closed, f"stalled bodies {bodies} (window 1), then closed"


def sc_stop_reading_conn_window(port):
    # Default stream windows but never any WINDOW_UPDATE: the connection window (65535) runs out.
    c = Conn(port, auto_window=False)
    t = tag("stopconn")
    sids = [c.request("GET", f"/customer/1/big?size=1048576&tag={t}-{i}") for i in range(4)]
    end = time.time() + 3
    while time.time() < end and not c.closed:
        c.pump(0.5)
    bodies = [c.streams[s].body for s in sids]
    c.rst_close()
    return sum(bodies) <= 65535, f"bodies {bodies} (conn window 65535), then TCP RST"


def sc_drop_mid_upload(port):
    c = Conn(port)
    t = tag("dropup")
    sid = c.request("POST", f"/customer/1/upload?slowread_ms=5&tag={t}", body=b"b" * 50000, end=False, content_length=500000)
    c.pump(0.1)
    c.rst_close()
    return True, "50000 of 500000 sent, connection dropped"


def sc_drop_mid_response(port):
    c = Conn(port)
    t = tag("dropresp")
    sid = c.request("GET", f"/customer/1/big?size=8388608&delay_ms=1&tag={t}")
    for _ in range(4):
        c.pump(0.2)
    got = c.streams[sid].body
    c.close()
    return True, f"got {got} B, connection closed"


def sc_goaway_client(port):
    c = Conn(port)
    t = tag("goaway")
    sids = [c.request("GET", f"/customer/1/slow?ms=300&tag={t}-{i}") for i in range(5)]
    c.raw_goaway(last_stream_id=0)
    done = c.wait(sids, timeout=10)
    res = [(c.streams[s].status, c.streams[s].body, c.streams[s].reset) for s in sids]
    c.close()
    # After our GOAWAY the server still answers the streams already open.
    good = done and all(r[0] == 200 and r[1] == 1024 for r in res)
    return good, f"after client GOAWAY: {res}"


def sc_many_streams(port):
    c = Conn(port)
    c.pump(0.3)
    limit = c.remote_max_streams or c.h2.remote_settings.max_concurrent_streams
    t = tag("many")
    # h2 refuses to open more than the server allows: lift its own check to go beyond.
    c.h2.remote_settings._settings[h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS] = collections.deque([10000])
    n = limit + 30
    sids = []
    for i in range(n):
        sids.append(c.request("GET", f"/customer/1/slow?ms=200&tag={t}-{i}"))
    done = c.wait(sids, timeout=30)
    ok = sum(1 for s in sids if c.streams[s].status == 200 and c.streams[s].ended and c.streams[s].body == 1024)
    refused = sum(1 for s in sids if c.streams[s].reset is not None)
    other = n - ok - refused
    after_ok, st = ok_get(c, f"/customer/1/file?tag={t}after") if not c.closed else (False, Stream())
    c.close()
    good = done and ok >= limit and ok + refused == n and after_ok
    return good, f"limit {limit}, opened {n}: ok {ok}, reset {refused}, other {other}, goaway {c.goaway}, after={st.status}"


def sc_trailers(port):
    c = Conn(port)
    t = tag("trailers")
    sid = c.request("POST", f"/customer/1/upload?tag={t}", body=b"c" * 3000, end=False)
    c.h2.send_headers(sid, [("x-checksum", "abc")], end_stream=True)
    c.flush()
    sid2 = c.request("POST", f"/customer/1/upload?tag={t}cl", body=b"c" * 3000, end=False, content_length=3000)
    c.h2.send_headers(sid2, [("x-checksum", "abc")], end_stream=True)
    c.flush()
    done = c.wait([sid, sid2])
    s, s2 = c.streams[sid], c.streams[sid2]
    c.close()
    good = done and s.status == 200 and s2.status == 200
    return good, f"trailers: no-cl status={s.status} reset={s.reset}; cl status={s2.status} reset={s2.reset}"


def sc_cl_short(port):
    # content-length 100, only 50 bytes then END_STREAM: the stream must be reset.
    c = Conn(port)
    t = tag("clshort")
    sid = c.request("POST", f"/customer/1/upload?tag={t}", body=b"d" * 50, end=True, content_length=100)
    done = c.wait([sid], timeout=10)
    s = c.streams[sid]
    good, st = ok_get(c, f"/customer/1/file?tag={t}after") if not c.closed else (False, Stream())
    c.close()
    return done and s.reset is not None and s.status is None and good, \
        f"CL 100 / 50 B: status={s.status} reset={s.reset} body={s.body}; sibling {st.status}"


def sc_cl_long(port):
    # content-length 10, 50 bytes.
    c = Conn(port)
    t = tag("cllong")
    sid = c.request("POST", f"/customer/1/upload?tag={t}", body=b"e" * 50, end=True, content_length=10)
    done = c.wait([sid], timeout=10)
    s = c.streams[sid]
    c.close()
    return done and s.reset is not None and s.status is None, f"CL 10 / 50 B: status={s.status} reset={s.reset}"


def sc_cl_long_split(port):
    # content-length 20000: 16384 in one DATA, then more than the rest with END_STREAM.
    c = Conn(port)
    t = tag("clsplit")
    sid = c.request("POST", f"/customer/1/upload?tag={t}", end=False, content_length=20000)
    c.h2.send_data(sid, b"f" * 16384)
    c.flush()
    time.sleep(0.1)
    c.h2.send_data(sid, b"f" * 5000, end_stream=True)
    c.flush()
    done = c.wait([sid], timeout=10)
    s = c.streams[sid]
    c.close()
    return done and s.reset is not None and s.status is None, f"CL 20000 / 21384 B in two frames: status={s.status} reset={s.reset}"


def sc_ping_flood(port):
    c = Conn(port)
    t0 = time.time()
    n = 0
    try:
        for i in range(20000):
            c.h2.ping(i.to_bytes(8, "big"))
            n += 1
            if i % 500 == 0:
                c.flush()
        c.flush()
    except OSError:
        pass
    end = time.time() + 5
    while time.time() < end and not c.closed:
        c.pump(0.5)
    c.close()
    return True, f"{n} PINGs: acked {c.pings_acked}, goaway {c.goaway}, closed {c.closed}"


def sc_ping_flood_noread(port):
    # PINGs without reading the ACKs: the server's outbound buffer fills.
    c = Conn(port)
    n = 0
    c.sock.settimeout(5)
    try:
        for i in range(100000):
            c.h2.ping(i.to_bytes(8, "big"))
            n += 1
            if i % 1000 == 0:
                c.flush()
        c.flush()
    except OSError:
        pass
    end = time.time() + 5
    while time.time() < end and not c.closed:
        c.pump(0.5)
    c.close()
    return True, f"{n} PINGs unread: goaway {c.goaway}, closed {c.closed}"


def sc_settings_flood(port):
    c = Conn(port)
    n = 0
    try:
        for i in range(20000):
            c.h2.update_settings({h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: 100 + (i % 7)})
            n += 1
            if i % 500 == 0:
                c.flush()
        c.flush()
    except (OSError, h2.exceptions.ProtocolError):
        pass
    end = time.time() + 5
    while time.time() < end and not c.closed:
        c.pump(0.5)
    c.close()
    return True, f"{n} SETTINGS: goaway {c.goaway}, closed {c.closed}"


def sc_rapid_reset(port):
    c = Conn(port)
    t = tag("rapid")
    c.h2.remote_settings._settings[h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS] = collections.deque([100000])
    n = 0
    try:
        for i in range(400):
            sid = c.request("GET", f"/customer/1/slow?ms=100&tag={t}-{i}")
            c.reset(sid)
            n += 1
    except (OSError, h2.exceptions.ProtocolError):
        pass
    end = time.time() + 5
    while time.time() < end and not c.closed:
        c.pump(0.5)
    c.close()
    return c.goaway is not None, f"{n} HEADERS+RST: goaway {c.goaway}, closed {c.closed}"


def sc_window_upload_slow_upstream(port):
    # A 1 MiB upload to an upstream that reads slowly, alongside a normal GET on the same connection.
    c = Conn(port)
    t = tag("slowup")
    sid = c.request("POST", f"/customer/1/upload?slowread_ms=2&tag={t}", end=False, content_length=1 << 20)
    sender = c.send_body(sid, b"g" * (1 << 20), end=True)
    good, st = ok_get(c, f"/customer/1/file?tag={t}after")
    done = c.wait([sid], timeout=30)
    s = c.streams[sid]
    c.close()
    return sender and done and s.status == 200 and good, f"1 MiB slow upload: status={s.status} reset={s.reset} sibling={st.status}"


def sc_mixed_multiplex(port):
    # Many streams on one connection, one in three reset at a random point.
    c = Conn(port)
    t = tag("mixed")
    sids = []
    resets = set()
    for i in range(30):
        if i % 3 == 0:
            sid = c.request("GET", f"/customer/1/big?size=300000&tag={t}-{i}")
        else:
            sid = c.request("POST", f"/customer/1/upload?tag={t}-{i}", body=b"h" * 20000, end=True, content_length=20000)
        sids.append(sid)
    for _ in range(3):
        c.pump(0.05)
    for sid in sids[::3]:
        if not c.streams[sid].ended:
            c.reset(sid)
            resets.add(sid)
    done = c.wait(sids, timeout=30)
    bad = [(s, c.streams[s].status, c.streams[s].body, c.streams[s].reset) for s in sids
           if s not in resets and not (c.streams[s].ended and c.streams[s].status == 200)]
    c.close()
    return done and not bad, f"30 streams, {len(resets)} reset by us; incomplete others: {bad[:5]}"


SCENARIOS = {name[3:]: fn for name, fn in globals().items() if name.startswith("sc_")}


def run_one(name, port):
    t0 = time.time()
    try:
        good, detail = SCENARIOS[name](port)
    except Exception as e:  # noqa: BLE001
        good, detail = False, f"exception {type(e).__name__}: {e}"
    with LOCK:
        RESULTS[(name, "ok" if good else "FAIL")] += 1
        if not good or VERBOSE:
            print(f"{time.strftime('%T')} {name} {'ok' if good else 'FAIL'} {time.time() - t0:.2f}s {detail}", flush=True)


def worker(port, names, until):
    rnd = random.Random()
    while time.time() < until:
        run_one(rnd.choice(names), port)


def main():
    global VERBOSE
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--duration", type=float, default=60)
    ap.add_argument("--threads", type=int, default=3)
    ap.add_argument("--only", default="")
    ap.add_argument("--once", action="store_true")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    VERBOSE = a.v or a.once
    names = a.only.split(",") if a.only else list(SCENARIOS)
    if a.once:
        for n in names:
            run_one(n, a.port)
    else:
        until = time.time() + a.duration
        ts = [threading.Thread(target=worker, args=(a.port, names, until)) for _ in range(a.threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    print("summary:")
    for (name, res), n in sorted(RESULTS.items()):
        print(f"  {name:28s} {res:4s} {n}")


if __name__ == "__main__":
    main()
