#!/usr/bin/env python3
"""Where a server's CPU time goes, by module, from a `perf record --call-graph fp` profile.

    bench/perf-modules.py PROFILE.data [MICROSECONDS_PER_REQUEST]

Each sample is charged to the first frame of its call chain that belongs to a Swift module other
than the standard library (so the retains, releases, allocations and runtime calls a module makes
count as that module's), or to the kernel when the sample was taken in the kernel. With the CPU
time per request (from bench/tls-vs-nginx.sh or bench/proxy-vs-nginx.sh) the shares are also
printed in microseconds per request. Reads `perf script` output; needs linux-perf.
"""
import collections
import re
import subprocess
import sys


def module(symbol):
    """The Swift module of a mangled symbol (`$s5Proxy…` → Proxy), `runtime` for the Swift
    runtime and standard library and the C library, None for anything else (kernel, C code)."""
    match = re.match(r"\$s(\d+)", symbol)
    if match:
        length = int(match.group(1))
        start = 2 + len(match.group(1))
        name = symbol[start:start + length]
        return "runtime" if name == "s" else name
    if symbol.startswith("$ss"):
        return "runtime"
    if symbol.startswith(("swift", "_swift", "__swift")) or "swift::" in symbol or symbol in ("getCache", "tryCast"):
        return "runtime"
    if re.match(r"(__|_int_|malloc|free|cfree|memcpy|memmove|_dl)", symbol):
        return "runtime"
    return None


def samples(path):
    """Each sample's call chain as (symbol, is-kernel) pairs, innermost first."""
    output = subprocess.run(["perf", "script", "-i", path, "-F", "ip,sym,dso", "--no-demangle"],
                            check=True, capture_output=True, text=True).stdout
    chain = []
    for line in output.splitlines():
        line = line.strip()
        if not line:
            if chain:
                yield chain
            chain = []
            continue
        parts = line.split(None, 1)
        rest = parts[1] if len(parts) > 1 else "?"
        kernel = rest.endswith("([kernel.kallsyms])")
        symbol = rest.rsplit(" (", 1)[0]
        chain.append((symbol, kernel))
    if chain:
        yield chain


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    per_request = float(sys.argv[2]) if len(sys.argv) == 3 else None
    owners = collections.Counter()
    total = 0
    for chain in samples(sys.argv[1]):
        total += 1
        if chain[0][1]:
            owners["kernel"] += 1
            continue
        owner = next((m for m in (module(s) for s, _ in chain) if m not in (None, "runtime")), None)
        owners[owner or "other (C code, runtime alone)"] += 1
    if total == 0:
        sys.exit("no samples")
    for owner, count in owners.most_common():
        share = 100 * count / total
        if share < 0.1:
            continue
        line = f"{share:6.2f} %  {owner}"
        if per_request is not None:
            line = f"{share:6.2f} %  {per_request * count / total:6.2f} µs  {owner}"
        print(line)


main()
