"""Replication lag and bulk replication: how soon a write to a primary is readable in replicas.

Three measurements, each on its own fresh server(s) on loopback:
1. lag in one process: one `kinko serve` serving every region; a steady PutSecretValue
   rate in us-east-1, and how long until each new VersionId reads back in eu-west-3 and
   ap-northeast-1;
2. the same across processes: one `kinko serve` per region, replicating over HTTP;
3. bulk: --bulk secrets created in us-east-1, then all replicated to eu-central-1.
Every replicated value is checked before anything is timed, and every value read back
while timing is checked too. See benchmarks/README.md for how to read the output.

    .venv/bin/python benchmarks/replication.py [--duration 20] [--rate 20] [--bulk 10000]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import heapq
import http.client
import itertools
import json
import os
import platform
import random
import re
import string
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import boto3
import botocore.config
import get_secret_value as common  # the benchmark next to this one: servers, versions
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import BotoCoreError, ClientError

PRIMARY = "us-east-1"
REPLICAS: tuple[str, ...] = ("eu-west-3", "ap-northeast-1")
BULK_REGION = "eu-central-1"
CLUSTER_SECRET = "kinko-bench-cluster-secret-0123456789"
LAG_PREFIX = "bench/lag-"
RTT_SECRET = "bench/rtt"
BULK_PREFIX = "bench/bulk-"
BULK_PROBE = "bench/probe-bulk"
RESULTS_DEFAULT = Path(__file__).resolve().parent / "results" / "replication.json"
HTTP_TIMEOUT_S = 10.0
IN_SYNC_TIMEOUT_S = 60.0
WRITE_TIMEOUT_S = 30.0  # a write not readable in a replica by then counts as a timeout
BULK_TIMEOUT_S = 300.0
RTT_INTERVAL_S = 0.025
METRICS_INTERVAL_S = 0.05
LIST_PAGE = 100
# Targets.
TARGET_LAG_P99_LOCAL_MS = 100.0
TARGET_LAG_P99_CLUSTER_MS = 250.0
TARGET_BULK_SECRETS = 10_000
TARGET_BULK_S = 30.0

T = TypeVar("T")
NAN = float("nan")


# --------------------------------------------------------------------------- errors


class Errors:
    """Thread-safe tally of everything that went wrong, by kind, with a few examples."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.examples: dict[str, str] = {}

    def add(self, kind: str, detail: object) -> None:
        with self._lock:
            self.counts[kind] += 1
            self.examples.setdefault(kind, str(detail)[:300])

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def show(self, label: str) -> None:
        if not self.total:
            print(f"{label}: no errors")
            return
        print(f"{label}: {self.total} error(s)")
        for kind, count in self.counts.most_common():
            print(f"  {count:>6} x {kind}: {self.examples[kind]}")


# --------------------------------------------------------------------------- servers


@dataclass
class Deployment:
    """One or more `kinko serve` processes, and which one serves each region."""

    label: str
    servers: list[common.Server]
    by_region: dict[str, common.Server]

    def server(self, region: str) -> common.Server:
        return self.by_region.get(region) or self.servers[0]

    def endpoint(self, region: str) -> str:
        return self.server(region).endpoint


def node_command(port: int, data_dir: Path, region: str | None, peers: dict[str, int]) -> list[str]:
    command = [
        str(common.VENV_BIN / "kinko"),
        "serve",
        "--workers", "1",
        "--host", "127.0.0.1",
        "--port", str(port),
        "--data-dir", str(data_dir),
    ]  # fmt: skip
    if region is not None:
        command += ["--regions", region, "--cluster-secret", CLUSTER_SECRET]
        command += [f"--peer={other}=http://127.0.0.1:{p}" for other, p in peers.items()]
    return command


def server_env() -> dict[str, str]:
    """Every node gets the same account and admin credentials (forwarding needs it)."""
    return {
        **os.environ,
        "KINKO_ACCOUNT_ID": common.ACCOUNT_ID,
        "KINKO_ADMIN_ACCESS_KEY_ID": common.ACCESS_KEY_ID,
        "KINKO_ADMIN_SECRET_ACCESS_KEY": common.SECRET_ACCESS_KEY,
    }


def launch_node(
    name: str, tmp: Path, stack: contextlib.ExitStack, region: str | None, ports: dict[str, int]
) -> common.Server:
    port = ports[region] if region else common.free_port()
    peers = {other: p for other, p in ports.items() if other != region}
    command = node_command(port, tmp / f"{name}-data", region, peers)
    server = common.launch(name, command, port, tmp, server_env())
    stack.callback(common.stop, server)
    stack.callback(common.check_log, server)  # runs first on the way out, also after a failure
    return server


def start_single(name: str, tmp: Path, stack: contextlib.ExitStack) -> Deployment:
    server = launch_node(name, tmp, stack, None, {})
    common.wait_ready(server, "/health")
    print(f"  started {name}: one process, every region, {server.endpoint}", flush=True)
    return Deployment(name, [server], {})


def start_cluster(name: str, tmp: Path, stack: contextlib.ExitStack) -> Deployment:
    regions = (PRIMARY, *REPLICAS)
    ports = {region: common.free_port() for region in regions}
    nodes = {
        region: launch_node(f"{name}-{region}", tmp, stack, region, ports) for region in regions
    }
    for server in nodes.values():
        common.wait_ready(server, "/health")
    where = ", ".join(f"{region} {server.endpoint}" for region, server in nodes.items())
    print(f"  started {name}: one process per region: {where}", flush=True)
    return Deployment(name, list(nodes.values()), nodes)


# --------------------------------------------------------------------------- clients


def sm_client(endpoint: str, region: str, pool: int = 10) -> Any:
    config = botocore.config.Config(
        retries={"max_attempts": 1, "mode": "standard"},
        connect_timeout=HTTP_TIMEOUT_S,
        read_timeout=HTTP_TIMEOUT_S,
        max_pool_connections=pool,
    )
    return boto3.session.Session().client(
        "secretsmanager",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=common.ACCESS_KEY_ID,
        aws_secret_access_key=common.SECRET_ACCESS_KEY,
        config=config,
    )


@dataclass(frozen=True)
class SignedGet:
    """A GetSecretValue request signed once and sent as often as needed (valid 5 minutes)."""

    host: str
    port: int
    body: bytes
    headers: dict[str, str]


_CREDENTIALS = Credentials(common.ACCESS_KEY_ID, common.SECRET_ACCESS_KEY)


def sign_get(server: common.Server, region: str, secret_id: str, version: str | None) -> SignedGet:
    params = {"SecretId": secret_id, **({"VersionId": version} if version else {})}
    body = json.dumps(params).encode()
    headers = {
        "Host": server.host,
        "X-Amz-Target": "secretsmanager.GetSecretValue",
        "Content-Type": common.CONTENT_TYPE,
    }
    request = AWSRequest(method="POST", url=f"{server.endpoint}/", data=body, headers=headers)
    SigV4Auth(_CREDENTIALS, "secretsmanager", region).add_auth(request)
    headers = {k: str(v) for k, v in request.headers.items()}
    return SignedGet(server.host, server.port, body, headers)


class RawClient:
    """Sends pre-signed requests over one keep-alive connection per server.

    Much cheaper per request than boto3, so polling disturbs the server less and the
    client's own CPU time stays out of the measured lag.
    """

    def __init__(self) -> None:
        self._connections: dict[int, http.client.HTTPConnection] = {}

    def send(self, request: SignedGet) -> tuple[int, bytes]:
        reused = request.port in self._connections
        try:
            return self._exchange(request)
        except (OSError, http.client.HTTPException):
            self._drop(request.port)
            if not reused:
                raise
        return self._exchange(request)  # the server closed an idle connection: once more

    def _exchange(self, request: SignedGet) -> tuple[int, bytes]:
        connection = self._connections.get(request.port)
        if connection is None:
            connection = http.client.HTTPConnection("127.0.0.1", request.port, HTTP_TIMEOUT_S)
            self._connections[request.port] = connection
        connection.request("POST", "/", body=request.body, headers=request.headers)
        response = connection.getresponse()
        return response.status, response.read()

    def _drop(self, port: int) -> None:
        connection = self._connections.pop(port, None)
        if connection is not None:
            connection.close()

    def close(self) -> None:
        for port in list(self._connections):
            self._drop(port)


def read_outcome(status: int, body: bytes, version: str | None, value: str) -> str:
    """'found', 'absent' (ResourceNotFoundException: not replicated yet) or an error text."""
    try:
        document = json.loads(body)
    except ValueError:
        return f"HTTP {status}, body is not JSON"
    if status == 200:
        if version is not None and document.get("VersionId") != version:
            return "wrong VersionId"
        return "found" if document.get("SecretString") == value else "wrong SecretString"
    kind = str(document.get("__type", ""))
    if status == 400 and kind.endswith("ResourceNotFoundException"):
        return "absent"
    return f"HTTP {status} {kind}: {document.get('Message') or document.get('message')}"


def run_parallel(
    items: Sequence[T],
    call: Callable[[Any, T], object],
    clients: Sequence[Any],
    errors: Errors,
    label: str,
) -> float:
    """call(client, item) for every item on a pool of one thread per client; seconds."""
    assigned = itertools.count()
    local = threading.local()

    def one(item: T) -> None:
        if not hasattr(local, "client"):
            local.client = clients[next(assigned)]
        call(local.client, item)

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(clients)) as pool:
        futures = [pool.submit(one, item) for item in items]
        for future in concurrent.futures.as_completed(futures, timeout=BULK_TIMEOUT_S):
            exc = future.exception()
            if exc is not None:
                errors.add(f"{label}: {type(exc).__name__}", exc)
    return time.perf_counter() - started


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class HistStat:
    count: int
    sum_s: float

    def minus(self, earlier: HistStat) -> HistStat:
        return HistStat(self.count - earlier.count, self.sum_s - earlier.sum_s)

    @property
    def mean_s(self) -> float:
        return self.sum_s / self.count if self.count else NAN


_SAMPLE = re.compile(r"^(kinko_replication_\w+?)(_count|_sum|_total)?\{([^}]*)\}\s+(\S+)$")
_LABEL = re.compile(r'(\w+)="([^"]*)"')


def scrape(server: common.Server) -> dict[tuple[str, ...], float]:
    """kinko_replication_* samples from /metrics, keyed (metric, label values...)."""
    url = f"{server.endpoint}/metrics"
    with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT_S) as response:
        text = response.read().decode()
    samples: dict[tuple[str, ...], float] = {}
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if match:
            name, suffix, labels, value = match.groups()
            key = (name + (suffix or ""), *(v for _, v in _LABEL.findall(labels) if v))
            samples[key] = float(value)
    return samples


def lag_histogram(samples: dict[tuple[str, ...], float], source: str, target: str) -> HistStat:
    count = samples.get(("kinko_replication_lag_seconds_count", source, target), 0.0)
    total = samples.get(("kinko_replication_lag_seconds_sum", source, target), 0.0)
    return HistStat(int(count), total)


# --------------------------------------------------------------------------- helpers


def percentile(ordered: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list (nan if empty)."""
    if not ordered:
        return NAN
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


def random_value(rng: random.Random, size: int, tag: str) -> str:
    alphabet = string.ascii_letters + string.digits
    return tag + "-" + "".join(rng.choices(alphabet, k=max(0, size - len(tag) - 1)))


def wait_in_sync(client: Any, names: Iterable[str], regions: Sequence[str]) -> None:
    """Until every name shows InSync for every region in DescribeSecret (bounded)."""
    pending = list(names)
    deadline = time.monotonic() + IN_SYNC_TIMEOUT_S
    while pending:
        if time.monotonic() > deadline:
            raise RuntimeError(f"not InSync after {IN_SYNC_TIMEOUT_S:.0f}s: {pending[:5]} ...")
        statuses = {
            name: {
                s["Region"]: s["Status"]
                for s in client.describe_secret(SecretId=name).get("ReplicationStatus", [])
            }
            for name in pending
        }
        failed = [(n, s) for n, s in statuses.items() if "Failed" in s.values()]
        if failed:
            raise RuntimeError(f"replication failed: {failed[:3]}")
        pending = [n for n, s in statuses.items() if any(s.get(r) != "InSync" for r in regions)]
        if pending:
            time.sleep(0.1)


def verify_replicas(deployment: Deployment, values: dict[str, str], regions: Sequence[str]) -> None:
    """Every value must read back, exactly, in every replica region (boto3, as users read)."""
    for region in regions:
        client = sm_client(deployment.endpoint(region), region)
        for name, value in values.items():
            got = client.get_secret_value(SecretId=name)["SecretString"]
            if got != value:
                raise RuntimeError(f"{region}: {name} reads back {got[:20]!r}, not {value[:20]!r}")


# --------------------------------------------------------------------------- lag


@dataclass
class Pending:
    """One acknowledged write, waiting to become readable in one replica region."""

    region: str
    version: str
    value: str
    t0: float
    request: SignedGet


class Pollers:
    """Threads that poll each pending write every `interval` s until it reads back."""

    def __init__(self, threads: int, interval: float, errors: Errors) -> None:
        self._interval = interval
        self._errors = errors
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Pending]] = []
        self._order = itertools.count()
        self._closed = False
        self._lock = threading.Lock()
        self.lags: dict[str, list[float]] = defaultdict(list)
        self.timeouts: Counter[str] = Counter()
        self.polls = 0
        self._threads = [
            threading.Thread(target=self._run, name=f"poller-{i}", daemon=True)
            for i in range(threads)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def add(self, pending: Pending, due: float | None = None) -> None:
        with self._cond:
            when = pending.t0 if due is None else due
            heapq.heappush(self._heap, (when, next(self._order), pending))
            self._cond.notify()

    def finish(self) -> None:
        """No more writes: let the threads drain what is pending, then stop them."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout=WRITE_TIMEOUT_S + 2 * HTTP_TIMEOUT_S)
            if thread.is_alive():
                raise RuntimeError(f"{thread.name} did not finish")

    def _take(self) -> Pending | None:
        with self._cond:
            while True:
                wait = 0.1
                if self._heap:
                    wait = self._heap[0][0] - time.perf_counter()
                    if wait <= 0:
                        return heapq.heappop(self._heap)[2]
                elif self._closed:
                    return None
                self._cond.wait(wait)

    def _run(self) -> None:
        client = RawClient()
        try:
            while (pending := self._take()) is not None:
                self._poll(client, pending)
        finally:
            client.close()

    def _poll(self, client: RawClient, pending: Pending) -> None:
        started = time.perf_counter()
        try:
            status, body = client.send(pending.request)
            outcome = read_outcome(status, body, pending.version, pending.value)
        except (OSError, http.client.HTTPException) as exc:
            outcome = "absent"  # a connection problem: count it, and try again
            self._errors.add(f"GetSecretValue in {pending.region}: {type(exc).__name__}", exc)
        now = time.perf_counter()
        with self._lock:
            self.polls += 1
            if outcome == "found":
                self.lags[pending.region].append(now - pending.t0)
                return
            if outcome == "absent" and now - pending.t0 > WRITE_TIMEOUT_S:
                self.timeouts[pending.region] += 1
                return
        if outcome == "absent":
            self.add(pending, started + self._interval)
        else:  # a wrong value or an unexpected error: counted once, not polled again
            self._errors.add(f"GetSecretValue in {pending.region}: {outcome}", pending.version)


class RttSampler:
    """Plain GetSecretValue round trips on the replicas while the writes run: the baseline."""

    def __init__(self, deployment: Deployment, value: str, errors: Errors) -> None:
        self._deployment = deployment
        self._value = value
        self._errors = errors
        self._stop = threading.Event()
        self.rtts: list[float] = []
        self._thread = threading.Thread(target=self._run, name="rtt", daemon=True)

    def __enter__(self) -> RttSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2 * HTTP_TIMEOUT_S)

    def _run(self) -> None:
        client = RawClient()
        regions = itertools.cycle(REPLICAS)
        try:
            while not self._stop.wait(RTT_INTERVAL_S):
                region = next(regions)
                request = sign_get(self._deployment.server(region), region, RTT_SECRET, None)
                self._sample(client, request, region)
        finally:
            client.close()

    def _sample(self, client: RawClient, request: SignedGet, region: str) -> None:
        started = time.perf_counter()
        try:
            status, body = client.send(request)
        except (OSError, http.client.HTTPException) as exc:
            self._errors.add(f"baseline GetSecretValue in {region}: {type(exc).__name__}", exc)
            return
        elapsed = time.perf_counter() - started
        outcome = read_outcome(status, body, None, self._value)
        if outcome == "found":
            self.rtts.append(elapsed)
        else:
            self._errors.add(f"baseline GetSecretValue in {region}: {outcome}", RTT_SECRET)


@dataclass(frozen=True)
class LagSettings:
    duration: float
    rate: float
    secrets: int
    value_size: int
    pollers: int
    poll_interval: float
    seed: int


@dataclass
class WriteStats:
    scheduled: int
    acknowledged: int
    seconds: float
    late: int  # started more than one interval behind schedule
    put_latencies: list[float] = field(default_factory=list)


@dataclass
class LagResult:
    label: str
    write: WriteStats
    lags: dict[str, list[float]]
    rtts: list[float]
    timeouts: dict[str, int]
    polls: int
    server_window: dict[str, HistStat]  # replica region → during the timed writes
    server_total: dict[str, HistStat]  # replica region → whole run, setup syncs included
    errors: Errors


def setup_lag_secrets(
    deployment: Deployment, settings: LagSettings, rng: random.Random
) -> dict[str, str]:
    """Create the secrets with both replicas, wait for InSync, check every replica's value."""
    client = sm_client(deployment.endpoint(PRIMARY), PRIMARY)
    names = [f"{LAG_PREFIX}{i:03d}" for i in range(settings.secrets)] + [RTT_SECRET]
    values = {name: random_value(rng, settings.value_size, "initial") for name in names}
    replicas = [{"Region": region} for region in REPLICAS]
    for name, value in values.items():
        client.create_secret(Name=name, SecretString=value, AddReplicaRegions=replicas)
    wait_in_sync(client, names, REPLICAS)
    verify_replicas(deployment, values, REPLICAS)
    return values


def drive_writes(
    deployment: Deployment,
    settings: LagSettings,
    names: Sequence[str],
    pollers: Pollers,
    errors: Errors,
) -> WriteStats:
    """PutSecretValue at a fixed schedule, round-robin; each ack starts the clock per replica."""
    client = sm_client(deployment.endpoint(PRIMARY), PRIMARY)
    rng = random.Random(settings.seed)
    scheduled = max(1, round(settings.duration * settings.rate))
    stats = WriteStats(scheduled, 0, 0.0, 0)
    start = time.perf_counter() + 0.05
    for i in range(scheduled):
        due = start + i / settings.rate
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        elif -delay > 1 / settings.rate:
            stats.late += 1
        name = names[i % len(names)]
        value = random_value(rng, settings.value_size, f"w{i}")
        sent = time.perf_counter()
        try:
            version = client.put_secret_value(SecretId=name, SecretString=value)["VersionId"]
        except (BotoCoreError, ClientError) as exc:
            errors.add(f"PutSecretValue: {type(exc).__name__}", exc)
            continue
        t0 = time.perf_counter()
        stats.put_latencies.append(t0 - sent)
        stats.acknowledged += 1
        for region in REPLICAS:
            request = sign_get(deployment.server(region), region, name, version)
            pollers.add(Pending(region, version, value, t0, request))
    stats.seconds = time.perf_counter() - start
    return stats


def measure_lag(deployment: Deployment, settings: LagSettings) -> LagResult:
    errors = Errors()
    values = setup_lag_secrets(deployment, settings, random.Random(settings.seed))
    print(
        f"  {len(values)} secrets InSync in {', '.join(REPLICAS)}; every replica's value verified",
        flush=True,
    )
    names = [name for name in values if name != RTT_SECRET]
    primary = deployment.server(PRIMARY)
    before = scrape(primary)
    pollers = Pollers(settings.pollers, settings.poll_interval, errors)
    pollers.start()
    try:
        with RttSampler(deployment, values[RTT_SECRET], errors) as sampler:
            write = drive_writes(deployment, settings, names, pollers, errors)
    finally:
        pollers.finish()
    after = scrape(primary)
    window = {
        r: lag_histogram(after, PRIMARY, r).minus(lag_histogram(before, PRIMARY, r))
        for r in REPLICAS
    }
    return LagResult(
        label=deployment.label,
        write=write,
        lags={region: sorted(pollers.lags[region]) for region in REPLICAS},
        rtts=sorted(sampler.rtts),
        timeouts=dict(pollers.timeouts),
        polls=pollers.polls,
        server_window=window,
        server_total={region: lag_histogram(after, PRIMARY, region) for region in REPLICAS},
        errors=errors,
    )


def all_lags(result: LagResult) -> list[float]:
    return sorted(lag for lags in result.lags.values() for lag in lags)


def print_lag(title: str, result: LagResult, settings: LagSettings) -> None:
    w = result.write
    print(f"\n{title}")
    print(
        f"writes: {w.acknowledged} acknowledged of {w.scheduled} scheduled in {w.seconds:.1f} s "
        f"({w.acknowledged / w.seconds if w.seconds else 0:.1f}/s, target "
        f"{settings.rate:g}/s over {settings.secrets} secrets; {w.late} started late); "
        f"PutSecretValue p50 {ms(percentile(sorted(w.put_latencies), 50))} ms"
    )
    header = f"{'replica region':<16}{'writes':>8}{'mean ms':>9}{'p50 ms':>9}{'p90 ms':>9}"
    header += f"{'p99 ms':>9}{'max ms':>9}{'timeouts':>10}"
    print(header)
    print("-" * len(header))
    rows = [(region, result.lags[region], result.timeouts.get(region, 0)) for region in REPLICAS]
    rows.append(("all", all_lags(result), sum(result.timeouts.values())))
    for region, lags, timeouts in rows:
        figures = [mean(lags), *(percentile(lags, p) for p in (50, 90, 99)), max(lags, default=NAN)]
        print(f"{region:<16}{len(lags):>8}{''.join(f'{ms(x):>9}' for x in figures)}{timeouts:>10}")
    print_baseline(result)
    print_server_side(result)


def print_baseline(result: LagResult) -> None:
    lags, rtts = all_lags(result), result.rtts
    rtt50, rtt99 = percentile(rtts, 50), percentile(rtts, 99)
    print(
        f"baseline GetSecretValue round trip on the replicas during the run ({len(rtts)} "
        f"samples): p50 {ms(rtt50)} ms, p99 {ms(rtt99)} ms"
    )
    print(
        f"lag / round trip: p50 {percentile(lags, 50) / rtt50:.1f}x, "
        f"p99 {percentile(lags, 99) / rtt99:.1f}x   ({result.polls} polls)"
    )


def print_server_side(result: LagResult) -> None:
    print("server histogram kinko_replication_lag_seconds (commit → applied in the replica):")
    for region in REPLICAS:
        window, total = result.server_window[region], result.server_total[region]
        print(
            f"  {PRIMARY} → {region:<15} timed writes: count {window.count:>5}, mean "
            f"{ms(window.mean_s)} ms   whole run: count {total.count:>5}, mean "
            f"{ms(total.mean_s)} ms"
        )
    result.errors.show("errors")


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f}"


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else NAN


# --------------------------------------------------------------------------- bulk


@dataclass(frozen=True)
class BulkSettings:
    count: int
    threads: int
    value_size: int
    seed: int


@dataclass
class BulkResult:
    count: int
    create_s: float  # the baseline: CreateSecret for every secret
    issue_s: float  # until every ReplicateSecretToRegions was answered
    applied_by_then: int  # replicas the primary had applied at that moment
    applied_s: float | None  # until the primary's /metrics counted every replica applied
    listed: int  # bulk secrets ListSecrets showed in the new region at the end
    list_s: float | None  # until ListSecrets showed them all (includes the listing itself)
    list_pass_s: float  # how long the last ListSecrets pass took
    errors: Errors

    @property
    def replicated_s(self) -> float | None:
        """First call to last replica present: the server's count, if listing confirms it."""
        if self.applied_s is not None and self.listed >= self.count:
            return self.applied_s
        return self.list_s

    def to_json(self) -> dict[str, Any]:
        fields = {k: v for k, v in vars(self).items() if k != "errors"}
        return {**fields, "replicated_s": self.replicated_s, "errors": dict(self.errors.counts)}


def bulk_values(settings: BulkSettings) -> dict[str, str]:
    rng = random.Random(settings.seed)
    return {
        f"{BULK_PREFIX}{i:05d}": random_value(rng, settings.value_size, f"b{i}")
        for i in range(settings.count)
    }


def probe_new_region(deployment: Deployment, value: str) -> None:
    """One secret through the whole path first: the value must read back in BULK_REGION."""
    client = sm_client(deployment.endpoint(PRIMARY), PRIMARY)
    client.create_secret(
        Name=BULK_PROBE, SecretString=value, AddReplicaRegions=[{"Region": BULK_REGION}]
    )
    wait_in_sync(client, [BULK_PROBE], [BULK_REGION])
    verify_replicas(deployment, {BULK_PROBE: value}, [BULK_REGION])


def count_listed(client: Any, limit: int) -> int:
    """Bulk secrets ListSecrets shows in the client's region: one pass over every page."""
    count, token = 0, None
    for _ in range(limit // LIST_PAGE + 10):  # bounded: a few pages more than needed
        kwargs: dict[str, Any] = {"MaxResults": LIST_PAGE}
        if token:
            kwargs["NextToken"] = token
        answer = client.list_secrets(**kwargs)
        count += sum(1 for s in answer["SecretList"] if s["Name"].startswith(BULK_PREFIX))
        token = answer.get("NextToken")
        if not token:
            break
    return count


def wait_applied(server: common.Server, baseline: int, count: int, deadline: float) -> bool:
    """Cheap progress check: the primary's lag histogram counts one per applied replica."""
    while time.perf_counter() < deadline:
        applied = lag_histogram(scrape(server), PRIMARY, BULK_REGION).count - baseline
        if applied >= count:
            return True
        time.sleep(METRICS_INTERVAL_S)
    return False


def wait_listed(client: Any, count: int, deadline: float) -> tuple[int, float, float | None]:
    """ListSecrets passes until all are listed: (listed, last pass seconds, done at).

    At least one pass, so a run that timed out still reports how many got there.
    """
    while True:
        started = time.perf_counter()
        listed = count_listed(client, count)
        pass_s = time.perf_counter() - started
        if listed >= count:
            return listed, pass_s, time.perf_counter()
        if time.perf_counter() >= deadline:
            return listed, pass_s, None
        time.sleep(0.25)


def measure_bulk(deployment: Deployment, settings: BulkSettings) -> BulkResult:
    errors = Errors()
    values = bulk_values(settings)
    names = list(values)
    endpoint = deployment.endpoint(PRIMARY)
    clients = [sm_client(endpoint, PRIMARY) for _ in range(settings.threads)]

    def create(client: Any, name: str) -> None:
        client.create_secret(Name=name, SecretString=values[name])

    def replicate(client: Any, name: str) -> None:
        client.replicate_secret_to_regions(
            SecretId=name, AddReplicaRegions=[{"Region": BULK_REGION}]
        )

    create_s = run_parallel(names, create, clients, errors, "CreateSecret")
    print(f"  created {len(names)} secrets in {PRIMARY} in {create_s:.2f} s", flush=True)
    probe_new_region(deployment, random_value(random.Random(settings.seed + 1), 100, "probe"))
    print(f"  probe secret replicated to {BULK_REGION} and verified", flush=True)
    primary = deployment.server(PRIMARY)
    baseline = lag_histogram(scrape(primary), PRIMARY, BULK_REGION).count
    started = time.perf_counter()
    deadline = started + BULK_TIMEOUT_S
    issue_s = run_parallel(names, replicate, clients, errors, "ReplicateSecretToRegions")
    applied_by_then = lag_histogram(scrape(primary), PRIMARY, BULK_REGION).count - baseline
    print(f"  {len(names)} ReplicateSecretToRegions answered in {issue_s:.2f} s", flush=True)
    applied = wait_applied(primary, baseline, len(names), deadline)
    applied_s = time.perf_counter() - started if applied else None
    lister = sm_client(deployment.endpoint(BULK_REGION), BULK_REGION)
    listed, pass_s, listed_at = wait_listed(lister, len(names), deadline)
    verify_sample(deployment, values, settings.seed, errors)
    return BulkResult(
        count=len(names),
        create_s=create_s,
        issue_s=issue_s,
        applied_by_then=applied_by_then,
        applied_s=applied_s,
        listed=listed,
        list_s=None if listed_at is None else listed_at - started,
        list_pass_s=pass_s,
        errors=errors,
    )


def verify_sample(
    deployment: Deployment, values: dict[str, str], seed: int, errors: Errors
) -> None:
    """After the timing: 100 random replicas must read back their exact value."""
    client = sm_client(deployment.endpoint(BULK_REGION), BULK_REGION)
    for name in random.Random(seed + 2).sample(sorted(values), min(100, len(values))):
        try:
            got = client.get_secret_value(SecretId=name)["SecretString"]
        except (BotoCoreError, ClientError) as exc:
            errors.add(f"GetSecretValue in {BULK_REGION}: {type(exc).__name__}", exc)
            continue
        if got != values[name]:
            errors.add(f"GetSecretValue in {BULK_REGION}: wrong SecretString", name)


def print_bulk(result: BulkResult, settings: BulkSettings) -> None:
    n = result.count
    print(f"\nBulk: {n} secrets of {settings.value_size} bytes, {settings.threads} client threads")
    print(f"{'create in ' + PRIMARY + ' (baseline)':<44}{rate_line(n, result.create_s)}")
    print(
        f"{'ReplicateSecretToRegions all answered':<44}{rate_line(n, result.issue_s)}"
        f"  ({result.applied_by_then} replicas applied by then)"
    )
    print(f"{'every replica applied (primary /metrics)':<44}{rate_line(n, result.applied_s)}")
    print(
        f"{'ListSecrets in ' + BULK_REGION + ' lists all':<44}{rate_line(n, result.list_s)}"
        f"  ({result.listed} listed; that pass of {n // LIST_PAGE + 1} pages took "
        f"{result.list_pass_s:.2f} s)"
    )
    replicated = result.replicated_s
    if replicated is not None:
        print(
            f"replicated to a new region in {replicated:.2f} s = {replicated / result.create_s:.2f}"
            f" x the creation time"
        )
    result.errors.show("errors")


def rate_line(count: int, seconds: float | None) -> str:
    if seconds is None:
        return f"{'not reached':>10}"
    return f"{seconds:>8.2f} s {count / seconds:>7.0f}/s"


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class Options:
    lag: LagSettings
    bulk: BulkSettings
    skip_single: bool
    skip_multi: bool
    skip_bulk: bool
    json_path: Path | None
    check: bool


@dataclass
class Results:
    single: LagResult | None = None
    multi: LagResult | None = None
    bulk: BulkResult | None = None


def targets(results: Results, options: Options) -> dict[str, bool]:
    checks: dict[str, bool] = {}
    rate = f"{options.lag.rate:g} writes/s"
    for result, limit, where in (
        (results.single, TARGET_LAG_P99_LOCAL_MS, "in one process"),
        (results.multi, TARGET_LAG_P99_CLUSTER_MS, "across processes"),
    ):
        if result is not None:
            p99 = 1000 * percentile(all_lags(result), 99)
            ok = p99 < limit and not sum(result.timeouts.values())
            checks[f"lag p99 < {limit:g} ms {where} at {rate} (measured {p99:.1f} ms)"] = ok
    bulk = results.bulk
    if bulk is not None:
        per_second = TARGET_BULK_SECRETS / TARGET_BULK_S
        seconds = bulk.replicated_s
        ok = seconds is not None and bulk.count / seconds >= per_second
        shown = f"{seconds:.1f} s" if seconds is not None else "not reached"
        checks[
            f"{TARGET_BULK_SECRETS:,} secrets replicated to a new region in < {TARGET_BULK_S:g} s "
            f"(>= {per_second:.0f}/s; measured {bulk.count:,} in {shown})"
        ] = ok
    return checks


def error_total(results: Results) -> int:
    parts = (results.single, results.multi, results.bulk)
    return sum(part.errors.total for part in parts if part is not None)


def lag_json(result: LagResult) -> dict[str, Any]:
    def stats(lags: Sequence[float]) -> dict[str, float | int]:
        figures = {f"p{p}_ms": 1000 * percentile(lags, p) for p in (50, 90, 99)}
        extremes = {"mean_ms": 1000 * mean(lags), "max_ms": 1000 * max(lags, default=NAN)}
        return {"writes": len(lags), **figures, **extremes}

    return {
        "writes": asdict(result.write) | {"put_latencies": None},
        "lag": {region: stats(lags) for region, lags in result.lags.items()},
        "lag_all": stats(all_lags(result)),
        "rtt": {
            "samples": len(result.rtts),
            "p50_ms": 1000 * percentile(result.rtts, 50),
            "p99_ms": 1000 * percentile(result.rtts, 99),
        },
        "timeouts": result.timeouts,
        "polls": result.polls,
        "server_window": {r: asdict(s) for r, s in result.server_window.items()},
        "errors": dict(result.errors.counts),
    }


def write_json(
    path: Path, options: Options, results: Results, checks: dict[str, bool], load: float
) -> None:
    document = {
        "benchmark": "replication",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load_1m": load},
        "versions": {"python": platform.python_version(), "kinko": common.version_of("kinko")},
        "git": common.git_state(),
        "settings": {"lag": asdict(options.lag), "bulk": asdict(options.bulk)},
        "lag_single_process": lag_json(results.single) if results.single else None,
        "lag_multi_process": lag_json(results.multi) if results.multi else None,
        "bulk": results.bulk.to_json() if results.bulk else None,
        "targets": checks,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")
    print(f"\nresults written to {path}")


# --------------------------------------------------------------------------- benchmark


def run(options: Options, tmp: Path) -> Results:
    """Each part on its own fresh server(s), stopped before the next part starts."""
    results = Results()
    if not options.skip_single:
        print("Part 1: replication lag, one process", flush=True)
        with contextlib.ExitStack() as stack:
            deployment = start_single("single", tmp, stack)
            results.single = measure_lag(deployment, options.lag)
    if not options.skip_multi:
        print("Part 2: replication lag, one process per region", flush=True)
        with contextlib.ExitStack() as stack:
            deployment = start_cluster("cluster", tmp, stack)
            results.multi = measure_lag(deployment, options.lag)
    if not options.skip_bulk:
        print("Part 3: bulk replication to a new region", flush=True)
        with contextlib.ExitStack() as stack:
            deployment = start_single("bulk", tmp, stack)
            results.bulk = measure_bulk(deployment, options.bulk)
    return results


def report(options: Options, results: Results) -> dict[str, bool]:
    title = "Replication lag, {} ({} PutSecretValue/s for {:g} s, polled every {:g} ms)"
    settings = options.lag
    rate, poll = settings.rate, settings.poll_interval * 1000
    if results.single:
        where = "in one process (all regions in one kinko serve)"
        print_lag(title.format(where, rate, settings.duration, poll), results.single, settings)
    if results.multi:
        where = "across processes (one kinko serve per region, HTTP)"
        print_lag(title.format(where, rate, settings.duration, poll), results.multi, settings)
    if results.bulk:
        print_bulk(results.bulk, options.bulk)
    checks = targets(results, options)
    print()
    for label, ok in checks.items():
        print(f"[{'PASS' if ok else 'FAIL'}] {label}")
    return checks


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add = parser.add_argument
    add("--duration", type=float, default=20.0, help="seconds of writes per lag run")
    add("--rate", type=float, default=20.0, help="PutSecretValue calls per second")
    add("--secrets", type=int, default=20, help="secrets the writes go round-robin over")
    add("--value-size", type=int, default=100, help="SecretString bytes")
    add("--pollers", type=int, default=4, help="threads polling the replicas")
    add("--poll-interval-ms", type=float, default=2.0, help="poll period per pending write")
    add("--bulk", type=int, default=10_000, help="secrets in the bulk part")
    add("--bulk-threads", type=int, default=8, help="threads (one client each) in bulk")
    add("--seed", type=int, default=20240601, help="seed for the values")
    add("--skip-single", action="store_true", help="skip the one-process lag run")
    add("--skip-multi", action="store_true", help="skip the one-process-per-region lag run")
    add("--skip-bulk", action="store_true", help="skip the bulk run")
    add("--json", type=Path, default=RESULTS_DEFAULT, help="where to write JSON")
    add("--no-json", action="store_true", help="do not write the JSON file")
    add("--check", action="store_true", help="exit 3 when a target fails")
    args = parser.parse_args(argv)
    if not (0 < args.duration <= 240 and 0 < args.rate <= 1000):
        parser.error("need 0 < --duration <= 240 (signatures last 5 minutes) and 0 < --rate")
    if args.secrets < 1 or args.bulk < 1 or args.pollers < 1 or args.bulk_threads < 1:
        parser.error("--secrets, --bulk, --pollers and --bulk-threads must be at least 1")
    if not 0 < args.poll_interval_ms <= 1000 or args.value_size < 16:
        parser.error("need 0 < --poll-interval-ms <= 1000 and --value-size >= 16")
    lag = LagSettings(
        duration=args.duration,
        rate=args.rate,
        secrets=args.secrets,
        value_size=args.value_size,
        pollers=args.pollers,
        poll_interval=args.poll_interval_ms / 1000,
        seed=args.seed,
    )
    bulk = BulkSettings(args.bulk, args.bulk_threads, args.value_size, args.seed)
    return Options(
        lag=lag,
        bulk=bulk,
        skip_single=args.skip_single,
        skip_multi=args.skip_multi,
        skip_bulk=args.skip_bulk,
        json_path=None if args.no_json else args.json,
        check=args.check,
    )


def warn_if_busy() -> float:
    """Other work on the machine skews every figure here: say so up front."""
    load = os.getloadavg()[0]
    print(f"load average (1 min) before starting: {load:.2f} on {os.cpu_count()} CPUs")
    if load > 0.5:
        print("WARNING: the machine is busy; expect noisy figures", file=sys.stderr)
    return load


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    load = warn_if_busy()
    with common.terminate_as_exit(), tempfile.TemporaryDirectory(prefix="kinko-bench-") as tmp:
        results = run(options, Path(tmp))
    checks = report(options, results)
    if options.json_path is not None:
        write_json(options.json_path, options, results, checks, load)
    errors = error_total(results)
    if errors:
        print(f"INVALID: {errors} error(s) during the runs (see above)", file=sys.stderr)
        return 2
    return 3 if options.check and not all(checks.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
