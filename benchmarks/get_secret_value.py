"""GetSecretValue throughput and latency: Kinko against moto's server, measured with wrk.

Starts `kinko serve --workers 1` and `moto_server` on loopback, loads the same secrets
into both, then replays pre-signed SigV4 GetSecretValue requests with wrk at 1 and 32
connections. Every signed request is checked for HTTP 200 and the right SecretString
before anything is timed. See benchmarks/README.md for how to read the output.

    .venv/bin/python benchmarks/get_secret_value.py [--duration 10] [--secrets 1000]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import http.client
import json
import os
import platform
import random
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import boto3
import botocore.config
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REGION = "us-east-1"
ACCOUNT_ID = "111122223333"
ACCESS_KEY_ID = "AKIAKINKOBENCHADMIN1"
SECRET_ACCESS_KEY = "kinko-bench-secret-access-key-0123456789"
TARGET = "secretsmanager.GetSecretValue"
CONTENT_TYPE = "application/x-amz-json-1.1"
NAME_PREFIX = "bench/secret-"
VENV_BIN = Path(sys.executable).parent
RESULTS_DEFAULT = Path(__file__).resolve().parent / "results" / "get_secret_value.json"
# (wrk threads, connections) for each timed run.
LOADS: tuple[tuple[int, int], ...] = ((1, 1), (2, 32))
# AWS (and Kinko) accept a signature for 5 minutes; keep every wrk run well inside that.
SIGNATURE_BUDGET_S = 270.0
READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0
HTTP_TIMEOUT_S = 10.0
# Targets, evaluated at 32 connections.
TARGET_RPS = 3000.0
TARGET_P99_MS = 25.0
TARGET_RATIO = 3.0


# --------------------------------------------------------------------------- servers


@dataclass
class Server:
    """A server process on loopback and how to reach it."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}"

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def launch(name: str, command: list[str], port: int, workdir: Path, env: dict[str, str]) -> Server:
    """Start a server with its output in a log file (a pipe nobody reads would fill up)."""
    log_path = workdir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
        )
    return Server(name, process, port, log_path)


def stop(server: Server) -> None:
    """Terminate, then kill if it does not exit in time. Safe to call twice."""
    if server.process.poll() is not None:
        return
    server.process.terminate()
    try:
        server.process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=STOP_TIMEOUT_S)


def wait_ready(server: Server, path: str) -> None:
    """Poll GET path until it answers 200; fail if the process dies or time runs out."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited early:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.endpoint}{path}", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(
        f"{server.name} not ready after {READY_TIMEOUT_S:.0f}s:\n{server.log_tail()}"
    )


def start_kinko(workdir: Path) -> Server:
    port = free_port()
    env = {
        **os.environ,
        "KINKO_ACCOUNT_ID": ACCOUNT_ID,
        "KINKO_ADMIN_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "KINKO_ADMIN_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
    }
    command = [
        str(VENV_BIN / "kinko"),
        "serve",
        "--workers",
        "1",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--data-dir",
        str(workdir / "kinko-data"),
    ]
    return launch("kinko", command, port, workdir, env)


def start_moto(workdir: Path) -> Server:
    port = free_port()
    moto = VENV_BIN / "moto_server"
    prefix = [str(moto)] if moto.exists() else [sys.executable, "-m", "moto.server"]
    command = [*prefix, "-H", "127.0.0.1", "-p", str(port)]
    return launch("moto", command, port, workdir, dict(os.environ))


# --------------------------------------------------------------------------- data


def secret_name(index: int) -> str:
    return f"{NAME_PREFIX}{index:04d}"


def make_values(count: int, size: int, seed: int) -> dict[str, str]:
    """count random ASCII strings of size bytes, keyed by secret name."""
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits
    return {secret_name(i): "".join(rng.choices(alphabet, k=size)) for i in range(count)}


def boto_client(endpoint: str, pool: int) -> Any:
    config = botocore.config.Config(
        retries={"max_attempts": 1, "mode": "standard"},
        connect_timeout=HTTP_TIMEOUT_S,
        read_timeout=HTTP_TIMEOUT_S,
        max_pool_connections=pool,
    )
    return boto3.client(
        "secretsmanager",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
        config=config,
    )


def load_secrets(server: Server, values: dict[str, str], workers: int) -> float:
    """CreateSecret for every value; returns the seconds it took."""
    client = boto_client(server.endpoint, workers)
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [
            pool.submit(client.create_secret, Name=name, SecretString=value)
            for name, value in values.items()
        ]
        for future in concurrent.futures.as_completed(futures, timeout=600):
            future.result()
    return time.perf_counter() - started


# --------------------------------------------------------------------------- signing


@dataclass(frozen=True)
class SignedRequest:
    secret_id: str
    headers: dict[str, str]
    body: str


def sign(host: str, secret_id: str, credentials: Credentials) -> SignedRequest:
    """A GetSecretValue request signed for Host host, replayable for 5 minutes."""
    body = json.dumps({"SecretId": secret_id})
    request = AWSRequest(
        method="POST",
        url=f"http://{host}/",
        data=body.encode(),
        headers={"Host": host, "X-Amz-Target": TARGET, "Content-Type": CONTENT_TYPE},
    )
    SigV4Auth(credentials, "secretsmanager", REGION).add_auth(request)
    return SignedRequest(secret_id, {k: str(v) for k, v in request.headers.items()}, body)


def sign_all(server: Server, secret_ids: Sequence[str]) -> list[SignedRequest]:
    credentials = Credentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY)
    return [sign(server.host, secret_id, credentials) for secret_id in secret_ids]


def verify(server: Server, requests: Sequence[SignedRequest], values: dict[str, str]) -> None:
    """Send every signed request once; each must be a 200 carrying the right SecretString."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=HTTP_TIMEOUT_S)
    try:
        for signed in requests:
            connection.request("POST", "/", body=signed.body.encode(), headers=signed.headers)
            response = connection.getresponse()
            payload = response.read().decode(errors="replace")
            if response.status != 200:
                raise RuntimeError(
                    f"{server.name}: {signed.secret_id} answered HTTP {response.status}: {payload}"
                )
            document = json.loads(payload)
            if document.get("SecretString") != values[signed.secret_id]:
                raise RuntimeError(f"{server.name}: wrong SecretString for {signed.secret_id}")
    finally:
        connection.close()


# --------------------------------------------------------------------------- wrk

_LUA_TEMPLATE = """\
-- Generated by benchmarks/get_secret_value.py: replays pre-signed GetSecretValue requests.
local signed = {
%(requests)s
}
local formatted = {}
local index = 0
local thread_count = 0

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  for i, r in ipairs(signed) do
    formatted[i] = wrk.format("POST", "/", r.headers, r.body)
  end
  -- Start threads at different places in the cycle.
  index = ((thread_id or 0) * 37) %% #formatted
end

function request()
  index = index %% #formatted + 1
  return formatted[index]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%%d duration_us=%%d rps=%%.3f p50_ms=%%.3f p90_ms=%%.3f p99_ms=%%.3f "
      .. "mean_ms=%%.3f max_ms=%%.3f non_2xx=%%d connect=%%d read=%%d write=%%d timeout=%%d\\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.mean / 1000, latency.max / 1000,
    e.status, e.connect, e.read, e.write, e.timeout))
end
"""


def lua_string(text: str) -> str:
    """A Lua string literal for text, with every unsafe byte escaped as \\ddd."""
    safe = set(string.ascii_letters + string.digits + " !#$%&'()*+,-./:;<=>?@[]^_`{|}~")
    return '"' + "".join(c if c in safe else f"\\{b:03d}" for c in text for b in c.encode()) + '"'


def lua_request(signed: SignedRequest) -> str:
    headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in signed.headers.items())
    return f"  {{ headers = {{ {headers} }}, body = {lua_string(signed.body)} }},"


def write_lua(path: Path, requests: Sequence[SignedRequest]) -> Path:
    path.write_text(_LUA_TEMPLATE % {"requests": "\n".join(map(lua_request, requests))})
    return path


@dataclass
class RunResult:
    server: str
    threads: int
    connections: int
    duration_s: float
    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    non_2xx: int
    socket_errors: dict[str, int] = field(default_factory=dict)

    @property
    def socket_error_total(self) -> int:
        return sum(self.socket_errors.values())


def parse_bench_line(output: str) -> dict[str, float]:
    for line in output.splitlines():
        if line.startswith("BENCH "):
            pairs = (item.split("=", 1) for item in line.split()[1:])
            return {key: float(value) for key, value in pairs}
    raise RuntimeError(f"wrk printed no BENCH line:\n{output}")


def run_wrk(
    wrk: str, server: Server, lua: Path, threads: int, connections: int, seconds: float
) -> str:
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--latency",
        "--timeout",
        "5s",
        "-s",
        str(lua),
        f"{server.endpoint}/",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def to_result(
    server: Server, threads: int, connections: int, figures: dict[str, float]
) -> RunResult:
    return RunResult(
        server=server.name,
        threads=threads,
        connections=connections,
        duration_s=figures["duration_us"] / 1e6,
        requests=int(figures["requests"]),
        rps=figures["rps"],
        p50_ms=figures["p50_ms"],
        p90_ms=figures["p90_ms"],
        p99_ms=figures["p99_ms"],
        mean_ms=figures["mean_ms"],
        max_ms=figures["max_ms"],
        non_2xx=int(figures["non_2xx"]),
        socket_errors={k: int(figures[k]) for k in ("connect", "read", "write", "timeout")},
    )


# --------------------------------------------------------------------------- benchmark


@dataclass(frozen=True)
class Options:
    duration: float
    warmup: float
    secrets: int
    signed: int
    value_size: int
    seed: int
    load_workers: int
    skip_moto: bool
    wrk: str
    json_path: Path | None
    check: bool
    verbose: bool


def measure(
    options: Options, server: Server, secret_ids: Sequence[str], values: dict[str, str], tmp: Path
) -> list[RunResult]:
    """Both loads against one server, each freshly signed, verified and warmed up."""
    results: list[RunResult] = []
    for threads, connections in LOADS:
        requests = sign_all(server, secret_ids)
        verify(server, requests, values)
        lua = write_lua(tmp / f"{server.name}-c{connections}.lua", requests)
        if options.warmup > 0:
            run_wrk(options.wrk, server, lua, threads, connections, options.warmup)
        output = run_wrk(options.wrk, server, lua, threads, connections, options.duration)
        if options.verbose:
            print(output)
        results.append(to_result(server, threads, connections, parse_bench_line(output)))
        print_progress(results[-1])
    return results


def print_progress(r: RunResult) -> None:
    print(
        f"  {r.server:<5} c={r.connections:<3} {r.rps:>9.0f} req/s  "
        f"p50 {r.p50_ms:.2f} ms  p99 {r.p99_ms:.2f} ms  "
        f"non-2xx {r.non_2xx}  socket errors {r.socket_error_total}",
        flush=True,
    )


def prepare(
    start: Callable[[Path], Server], ready_path: str, tmp: Path, stack: contextlib.ExitStack
) -> Server:
    server = start(tmp)
    stack.callback(stop, server)
    stack.callback(check_log, server)  # runs first on the way out, also after a failure
    wait_ready(server, ready_path)
    return server


def benchmark(options: Options, tmp: Path, stack: contextlib.ExitStack) -> list[RunResult]:
    values = make_values(options.secrets, options.value_size, options.seed)
    secret_ids = random.Random(options.seed + 1).sample(sorted(values), options.signed)
    servers = [prepare(start_kinko, "/health", tmp, stack)]
    if not options.skip_moto:
        servers.append(prepare(start_moto, "/moto-api/", tmp, stack))
    print(f"servers ready: {', '.join(f'{s.name} {s.endpoint}' for s in servers)}", flush=True)
    for server in servers:
        seconds = load_secrets(server, values, options.load_workers)
        print(f"loaded {len(values)} secrets into {server.name} in {seconds:.1f}s", flush=True)
    results: list[RunResult] = []
    for server in servers:
        results.extend(measure(options, server, secret_ids, values, tmp))
    return results


def check_log(server: Server) -> None:
    """Warn about tracebacks in a server's log, showing the first of them."""
    lines = server.log_path.read_text(errors="replace").splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback")]
    if starts:
        excerpt = "\n".join(lines[max(starts[0] - 2, 0) : starts[0] + 30])
        print(
            f"WARNING: {server.name} logged {len(starts)} traceback(s); the first:\n{excerpt}",
            file=sys.stderr,
        )


# --------------------------------------------------------------------------- report


def find(results: Sequence[RunResult], server: str, connections: int) -> RunResult | None:
    return next((r for r in results if r.server == server and r.connections == connections), None)


def print_table(results: Sequence[RunResult]) -> None:
    header = f"{'server':<8}{'conns':>6}{'req/s':>11}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}"
    print()
    print(header + f"{'sock err':>10}")
    print("-" * (len(header) + 10))
    for r in results:
        print(
            f"{r.server:<8}{r.connections:>6}{r.rps:>11.0f}{r.p50_ms:>9.2f}{r.p99_ms:>9.2f}"
            f"{r.non_2xx:>9}{r.socket_error_total:>10}"
        )
    print()


def ratios(results: Sequence[RunResult]) -> dict[int, float]:
    found: dict[int, float] = {}
    for _, connections in LOADS:
        kinko, moto = find(results, "kinko", connections), find(results, "moto", connections)
        if kinko and moto and moto.rps > 0:
            found[connections] = kinko.rps / moto.rps
    return found


def targets(results: Sequence[RunResult], ratio_by_conns: dict[int, float]) -> dict[str, bool]:
    high = max(c for _, c in LOADS)
    checks: dict[str, bool] = {}
    kinko = find(results, "kinko", high)
    if kinko:
        checks[f"Kinko >= {TARGET_RPS:,.0f} req/s at {high} connections"] = kinko.rps >= TARGET_RPS
        checks[f"Kinko p99 < {TARGET_P99_MS:g} ms at {high} connections"] = (
            kinko.p99_ms < TARGET_P99_MS
        )
    for connections, ratio in ratio_by_conns.items():
        checks[f"Kinko >= {TARGET_RATIO:g}x moto at {connections} connection(s)"] = (
            ratio >= TARGET_RATIO
        )
    return checks


def print_summary(ratio_by_conns: dict[int, float], checks: dict[str, bool]) -> None:
    for connections, ratio in ratio_by_conns.items():
        print(f"Kinko/moto throughput at {connections:>2} connection(s): {ratio:.2f}x")
    if ratio_by_conns:
        print()
    for label, ok in checks.items():
        print(f"[{'PASS' if ok else 'FAIL'}] {label}")


def clean(results: Sequence[RunResult]) -> bool:
    """A run with errors measured errors, not GetSecretValue."""
    bad = [r for r in results if r.non_2xx or r.socket_error_total]
    for r in bad:
        print(
            f"INVALID: {r.server} at {r.connections} connection(s) had {r.non_2xx} non-2xx "
            f"responses and socket errors {r.socket_errors}",
            file=sys.stderr,
        )
    return not bad


def version_of(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def wrk_version(wrk: str) -> str:
    done = subprocess.run([wrk, "--version"], capture_output=True, text=True, timeout=10)
    lines = (done.stdout or done.stderr).splitlines()
    return lines[0].strip() if lines else ""


def git_state() -> dict[str, Any]:
    """The commit measured, and whether src/ had uncommitted changes."""
    repo = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    return {
        "commit": git("rev-parse", "HEAD") or None,
        "src_dirty": bool(git("status", "-s", "src")),
    }


def write_json(
    path: Path,
    options: Options,
    results: Sequence[RunResult],
    ratio_by_conns: dict[int, float],
    checks: dict[str, bool],
) -> None:
    document = {
        "benchmark": "GetSecretValue",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "versions": {
            "python": platform.python_version(),
            "kinko": version_of("kinko"),
            "moto": version_of("moto"),
            "wrk": wrk_version(options.wrk),
        },
        "git": git_state(),
        "settings": {
            "duration_s": options.duration,
            "warmup_s": options.warmup,
            "secrets": options.secrets,
            "signed_requests": options.signed,
            "value_bytes": options.value_size,
            "seed": options.seed,
        },
        "results": [{**asdict(r), "socket_error_total": r.socket_error_total} for r in results],
        "kinko_over_moto": {str(c): ratio for c, ratio in ratio_by_conns.items()},
        "targets": checks,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")
    print(f"\nresults written to {path}")


# --------------------------------------------------------------------------- command line


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per timed run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of untimed wrk first")
    parser.add_argument("--secrets", type=int, default=1000, help="secrets loaded per server")
    parser.add_argument("--signed", type=int, default=100, help="distinct secrets wrk cycles over")
    parser.add_argument("--value-size", type=int, default=1024, help="SecretString bytes")
    parser.add_argument("--seed", type=int, default=20240601, help="seed for values and picks")
    parser.add_argument("--load-workers", type=int, default=8, help="parallel CreateSecret calls")
    parser.add_argument("--skip-moto", action="store_true", help="benchmark Kinko alone")
    parser.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk", help="wrk binary")
    parser.add_argument("--json", type=Path, default=RESULTS_DEFAULT, help="where to write JSON")
    parser.add_argument("--no-json", action="store_true", help="do not write the JSON file")
    parser.add_argument("--check", action="store_true", help="exit 3 when a target fails")
    parser.add_argument("-v", "--verbose", action="store_true", help="print wrk's own output")
    args = parser.parse_args(argv)
    if not 1 <= args.signed <= args.secrets <= 10_000:
        parser.error("need 1 <= --signed <= --secrets <= 10000")
    if args.duration <= 0 or args.warmup < 0:
        parser.error("--duration must be positive and --warmup not negative")
    if args.duration + args.warmup > SIGNATURE_BUDGET_S:
        parser.error(f"--duration + --warmup must stay under {SIGNATURE_BUDGET_S:.0f}s")
    if not Path(args.wrk).exists():
        parser.error(f"wrk not found at {args.wrk}")
    return Options(
        duration=args.duration,
        warmup=args.warmup,
        secrets=args.secrets,
        signed=args.signed,
        value_size=args.value_size,
        seed=args.seed,
        load_workers=args.load_workers,
        skip_moto=args.skip_moto,
        wrk=args.wrk,
        json_path=None if args.no_json else args.json,
        check=args.check,
        verbose=args.verbose,
    )


@contextlib.contextmanager
def terminate_as_exit() -> Iterator[None]:
    """Turn SIGTERM into SystemExit so the servers are stopped on the way out."""

    def handler(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    with terminate_as_exit(), contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kinko-bench-")))
        results = benchmark(options, tmp, stack)
    print_table(results)
    ratio_by_conns = ratios(results)
    checks = targets(results, ratio_by_conns)
    print_summary(ratio_by_conns, checks)
    if options.json_path is not None:
        write_json(options.json_path, options, results, ratio_by_conns, checks)
    if not clean(results):
        return 2
    return 3 if options.check and not all(checks.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
