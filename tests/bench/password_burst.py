#!/usr/bin/env python3
"""Memory and liveness under a burst of password checks (issue 13, rule G7).

Starts the server binary given as argv[1] on a fresh SQLite file, fires N concurrent
sign-ins with unknown e-mails (each from its own loopback address, so per-address
throttling does not turn them away before they reach the password hash), and meanwhile
asks /api/health every 50 ms. Prints the server's peak resident memory (VmHWM) and the
health latencies as JSON. Traffic goes to 127.0.0.1 only; the run is bounded.
"""
import http.client, json, os, subprocess, sys, tempfile, threading, time

binary = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100
port = 18000 + os.getpid() % 1000
tmp = tempfile.mkdtemp()
env = dict(os.environ, PHONE_MFA_PORT=str(port), PHONE_MFA_DB=f"{tmp}/burst.sqlite3",
           PHONE_MFA_DIST=f"{tmp}/none", RUST_LOG="warn")
server = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def request(method, path, body=None, source="127.0.0.1", timeout=60):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    headers = {"content-type": "application/json", "x-phone-mfa": "1"} if body is not None else {}
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = c.getresponse()
    r.read()
    c.close()
    return r.status

def status(field):
    with open(f"/proc/{server.pid}/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) // 1024
    return 0

try:
    for _ in range(200):
        try:
            request("GET", "/api/health")
            break
        except OSError:
            time.sleep(0.05)
    idle = status("VmRSS:")
    statuses, latencies, done = [], [], threading.Event()

    def health_probe():
        while not done.is_set():
            t = time.monotonic()
            request("GET", "/api/health")
            latencies.append(time.monotonic() - t)
            time.sleep(0.05)

    def sign_in(i):
        source = f"127.0.{1 + i // 250}.{1 + i % 250}"
        statuses.append(request("POST", "/api/auth/sign-in",
                                {"email": f"nobody{i}@example.com", "password": "a guess of some length"},
                                source=source))

    probe = threading.Thread(target=health_probe)
    probe.start()
    started = time.monotonic()
    burst = [threading.Thread(target=sign_in, args=(i,)) for i in range(n)]
    for t in burst:
        t.start()
    for t in burst:
        t.join()
    elapsed = time.monotonic() - started
    done.set()
    probe.join()
    latencies.sort()
    print(json.dumps({
        "requests": n,
        "statuses": {str(s): statuses.count(s) for s in sorted(set(statuses))},
        "burst_s": round(elapsed, 2),
        "rss_idle_mib": idle,
        "rss_peak_mib": status("VmHWM:"),
        "rss_after_mib": status("VmRSS:"),
        "health_p50_ms": round(1000 * latencies[len(latencies) // 2], 1),
        "health_max_ms": round(1000 * latencies[-1], 1),
    }))
finally:
    server.kill()
    server.wait()
