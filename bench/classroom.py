"""Classroom load: a whole class on one shared link, each learner trying seed after seed.

A real ``streamlit run`` server on loopback, and N simulated learners that speak Streamlit's
websocket protocol (no browser): each opens the page, finds the "Random seed" input, then
enters a fresh seed, waits for the page to finish, reads it for 2-4 s and enters the next one.
Every change is a seed no learner used before, so the caches cannot hide the work. Measured
per change: the latency from sending it to the run's ``script_finished``, and the bytes the
server sent for it; over the load: the server's CPU-seconds (from /proc) and memory.

    python -m bench.classroom --learners 10 20 40 --changes 5
    python -m bench.classroom --learners 40 --idle 600     # memory after ten idle minutes
    python -m bench --only classroom --learners 20         # as a section of the benchmarks
    python -m bench.classroom --learners 40 --processes plain 1 2   # behind HAProxy, 1 and 2

``--processes N`` serves the same load through ``python -m bench.serve``: N Streamlit processes
behind HAProxy; the learners' websockets are spread round robin, and CPU and memory are those of
the launcher's whole process tree (HAProxy, every Streamlit process and its pool workers).

``--pace think`` (the default) is a learner who looks at each result before typing again: the
load slows down with the server, as a class does. ``--pace fixed`` types a new seed every 2-4 s
whatever the page shows; a change still running then is superseded (Streamlit stops its run),
and counted as such instead of as completed.

Where one seed change goes now (ε-greedy page at default settings: 3 ε values, 2000 runs x
1000 steps, 10 arms; 2 shared cores, 28 November 2026): 0.18-0.22 server CPU-seconds and
97 KB. /proc of each process over 25 s of a 6-learner load: about 0.13 CPU-s in the
simulation worker, one ``simulate_many`` job (py-spy: its compiled loop about two thirds of
it, drawing 2M normal and 2M uniform numbers about a quarter), and about 0.075 CPU-s in the
Streamlit process (the script about 0.05: the charts' data to Arrow, the summary tables; the
rest the event loop and sending). Both parts would have to shrink to reach 0.15: the random
draws alone cost 0.03 (every run needs fresh reward noise at every step), and a whole-page
script run with its charts about 0.05. The first release's breakdown, where the levers below
came from:

Where one seed change went (first release, 2 shared and busy cores, November 2026):

- CPU, 0.67-0.97 server CPU-seconds per change (/proc, every load run). py-spy on the
  server, as a share of its busy samples: ``core.bandit.simulate`` 40%, chart building and
  spec conversion 36-38% (Altair's schema objects: deep copies, validation, encoding
  inference; the data itself, curve frames and Arrow, costs under 1%), Streamlit's
  ``gc.collect(2)`` after every run (``runner.postScriptGC``) 8-12%, event loop and file
  polling 8-11%, ForwardMsg serialisation and sending 1.5%, dataframes 0.5%, ``st.cache_data``
  hashing 0.2%. Timed in the script thread (AppTest, which skips that gc): simulate 0.27 s,
  Altair construction 0.18 s, ``to_dict`` + Arrow 0.09 s, chart-cache keys 0.03 s, the rest
  0.03 s.
- Bytes, 439 KB per change (``--by-element``): the three curve charts 135-137 KB each, 98% of
  it their Arrow dataset (3 strategies x 1000 steps, the strategy's label repeated on every
  row); everything else 31 KB. Elements under 10 KB are never cached by the browser.
- One server process used at most about one core (cores_used 0.97-1.06 when the machine let
  it), so a class behaves like a queue: p50 ≈ learners x CPU-s per change - 3 s of thinking
  (10: 5.2 s, 20: 12.3 s, 40: 35.1 s measured; the model gives 6.7, 13.7 and 35.6 s).
- Memory with 40 learners: peak 776-821 MiB during the load, 440-610 MiB at its end, 641 MiB
  after ten idle minutes (two loads); freed sessions are not handed back to the system.
- Levers, measured: the three curve charts' data swapped into a spec built once costs 11 ms
  instead of 250 ms; a categorical strategy column with int16 steps and float32 values cuts
  a curve dataset from 133 KB to 23 KB at 1000 points (7 KB at 250); simulate costs about
  18 ms per call plus 40 µs per run (97 ms at 2000 runs, 37 ms at 500); switching off
  ``runner.postScriptGC`` saved 5-8% of CPU per change and kept 16-72 MiB more resident.

Through the proxy, 40 learners x 5 changes (2 shared cores with a load average of 6-12 from
other jobs, November 2026; 3 loads with 1 process and 4 with 2, over three runs; one more run
set aside below):

- 1 process: p50 11.0-12.2 s, p95 43.7-71.9 s, 0.44-0.46 CPU-s per change, 200 changes in
  113-128 s (0.69-0.81 cores used), peak memory 713-860 MiB.
- 2 processes: p50 10.9-13.9 s, p95 13.2-22.5 s, 0.41-0.44 CPU-s per change, 200 changes in
  72-91 s (0.92-1.13 cores used), peak memory 1260-1331 MiB (the sum of every process's RSS).
- The same CPU per change: a second process costs no extra work, and the class got through
  its 200 changes 1.25-1.56 times faster within a run, because the load used more of the
  machine. The median wait hardly moved (the shared machine gave the load about one core
  either way); the tail is what shrank: with one process some learners waited 45-75 s while
  the median waited 11-12 s. HAProxy's own CPU is inside these figures.
- Set aside: one run where both setups were much faster (p50 4.6-4.8 s, 1.24-1.36 cores used,
  the machine was quieter) had p95 29.6 s with 2 processes against 22.2 s with 1, and a peak
  of only 728 MiB for 2 processes, below what two processes with their pools take in every
  other load; the cause was not found and three later runs did not repeat it.

Traffic goes only to 127.0.0.1. Every loop is bounded (changes per learner and a hard
deadline), and the server is stopped at the end, also on Ctrl-C or an error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict, Unpack

import numpy as np
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from bench.serve import MAX_PROCESSES, die_with_parent, free_port, healthy, launched, process_tree
from bench.tables import table
from core.validation import check_int, check_number

ROOT = Path(__file__).resolve().parents[1]
ENTRYPOINT = "streamlit_app.py"
LOG_DIR = ROOT / "artifacts"
SEED_LABEL = "Random seed"
SKIP_LABEL = "Skip, just show me"
"""The course asks for a prediction before showing results; a learner skips it once."""
PACES = ("think", "fixed")
THINK_SECONDS = (2.0, 4.0)
"""A learner's pause between changes: uniform in this range, from a seeded generator."""

STARTUP_TIMEOUT = 60.0
PAGE_LOAD_TIMEOUT = 180.0
"""Every learner's first visit must finish within this (they all arrive at once)."""
IDLE_SAMPLE_SECONDS = 5.0
RSS_SAMPLE_SECONDS = 0.5
MAX_MESSAGE_BYTES = 256 * 2**20
"""Larger than Streamlit's own limit (server.maxMessageSize, 200 MB), so the client never cuts."""
KB = 1000


# ---------------------------------------------------------------------------------------------
# The server


def process_cpu_seconds(pid: int, *, include_reaped: bool) -> float:
    """User + system CPU of one process from /proc/<pid>/stat (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the ")" ending the command name: field 14 (utime) is index 11, then stime,
    # cutime, cstime (children already waited for).
    ticks = int(fields[11]) + int(fields[12])
    if include_reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def _status_kib(pid: int, name: str) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(rf"^{name}:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) if match else 0


@dataclass(frozen=True)
class AppServer:
    """A running ``streamlit run`` process, seen through /proc."""

    pid: int
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def stream_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/_stcore/stream"

    def cpu_seconds(self) -> float:
        """CPU-seconds used so far by the server and its children (live and reaped)."""
        tree = process_tree(self.pid)
        return process_cpu_seconds(self.pid, include_reaped=True) + sum(
            process_cpu_seconds(child, include_reaped=False) for child in tree[1:]
        )

    def resident_mib(self) -> float:
        return sum(_status_kib(pid, "VmRSS") for pid in process_tree(self.pid)) / 1024

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


@contextmanager
def running_server(log_name: str = "bench-classroom-server.log") -> Iterator[AppServer]:
    """``streamlit run streamlit_app.py`` on a free loopback port, until the block ends."""
    port = free_port()
    LOG_DIR.mkdir(exist_ok=True)
    log = LOG_DIR / log_name
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        ENTRYPOINT,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        # No file watching: it costs CPU, and others edit the sources while benchmarks run.
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            preexec_fn=die_with_parent,
        )
        server = AppServer(pid=process.pid, port=port, log=log)
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while not healthy(server.url):
                if process.poll() is not None:
                    raise RuntimeError(
                        f"streamlit exited with code {process.returncode}:\n{server.log_tail()}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"streamlit was not healthy after {STARTUP_TIMEOUT:.0f} s:\n"
                        f"{server.log_tail()}"
                    )
                time.sleep(0.2)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


@contextmanager
def running_proxied(processes: int) -> Iterator[AppServer]:
    """``python -m bench.serve``: ``processes`` Streamlit processes behind HAProxy on loopback.

    The learners connect to the proxy, which spreads their websockets round robin. The
    launcher is the root of the measured process tree: its CPU and memory, HAProxy's, every
    Streamlit process's and their pool workers' count together.
    """
    with launched(processes, LOG_DIR / f"bench-classroom-serve-{processes}") as served:
        port = int(served.url.rsplit(":", 1)[1])
        yield AppServer(pid=served.pid, port=port, log=served.log)


# ---------------------------------------------------------------------------------------------
# One learner


@dataclass
class Change:
    """One seed a learner entered, and what came of it."""

    seed: int
    sent_at: float
    bytes_at_send: int
    outcome: str = "running"
    """running, then completed, superseded (a newer change replaced it) or unfinished."""
    latency_s: float | None = None
    bytes_received: int | None = None

    def measured(self) -> tuple[float, int]:
        """``latency_s`` and ``bytes_received`` of a completed change (set as it completes)."""
        assert self.latency_s is not None and self.bytes_received is not None, (
            f"the change to seed {self.seed} is {self.outcome}, not measured"
        )
        return self.latency_s, self.bytes_received


@dataclass
class Learner:
    """A browser tab, reduced to the protocol: rerun requests up, ForwardMsgs down.

    Like the browser it keeps Streamlit's message cache: large elements it has already received
    are listed in each rerun request, and the server sends a short reference instead of them.
    """

    index: int
    stream_url: str
    page: str
    rng: random.Random
    connection: ClientConnection | None = None
    seed_widget_id: str | None = None
    skip_widget_id: str | None = None
    buttons: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Button label -> (widget id, id of the fragment it sits in, or "")."""
    _fragment: str = ""
    page_script_hash: str = ""
    bytes_received: int = 0
    exceptions: int = 0
    error_deltas: int = 0
    cache_misses: int = 0
    disconnected: bool = False
    dropped: bool = False
    """Disconnected by the server (or the network), not by :meth:`close`."""
    load_s: float | None = None
    changes: list[Change] = field(default_factory=list)
    frames: list[tuple[int, ForwardMsg]] | None = None
    """Each frame's size and message, kept only when this is a list (see bytes_by_element)."""
    _reader: asyncio.Task | None = None
    _requests_sent: int = 0
    _run_request: dict[str, int] = field(default_factory=dict)
    _finished: asyncio.Future | None = None
    _waiting_for: int = -1
    _cache: dict[str, int] = field(default_factory=dict)
    _run_count: int = 0
    _max_cached_message_age: int = 2

    def page_load_s(self) -> float:
        """``load_s`` of a learner whose :meth:`open` succeeded (it sets it last)."""
        assert self.load_s is not None, f"learner {self.index} has not loaded the page"
        return self.load_s

    async def open(self) -> None:
        """Connect and load the page, as a browser that has just opened the shared link."""
        self.connection = connection = await connect(
            self.stream_url,
            subprotocols=[Subprotocol("streamlit")],
            compression=None,  # Streamlit's server.enableWebsocketCompression is off by default
            max_size=MAX_MESSAGE_BYTES,
            ping_interval=None,  # browsers answer the server's pings and send none
            open_timeout=30,
        )
        self._reader = asyncio.create_task(self._read(connection), name=f"learner-{self.index}")
        start = time.perf_counter()
        request = BackMsg()
        request.rerun_script.page_name = self.page
        finished = await self._send(request)
        status = await finished
        if status != ForwardMsg.FINISHED_SUCCESSFULLY:
            raise RuntimeError(f"learner {self.index}: page load ended with status {status}")
        if self.skip_widget_id is not None:  # see the results, as a learner who skips
            request = BackMsg()
            request.rerun_script.page_script_hash = self.page_script_hash
            widget = request.rerun_script.widget_states.widgets.add()
            widget.id = self.skip_widget_id
            widget.trigger_value = True
            finished = await self._send(request)
            status = await finished
            if status != ForwardMsg.FINISHED_SUCCESSFULLY:
                raise RuntimeError(f"learner {self.index}: skipping ended with status {status}")
        self.load_s = time.perf_counter() - start
        if self.seed_widget_id is None:
            raise RuntimeError(f"the page {self.page!r} has no {SEED_LABEL!r} number input")

    async def change_seed(self, seed: int) -> Change:
        """Enter ``seed``; a change still running is superseded by it."""
        if self._finished is not None and not self._finished.done():
            self.changes[-1].outcome = "superseded"
        request = BackMsg()
        state = request.rerun_script
        state.page_script_hash = self.page_script_hash
        state.query_string = f"seed={seed}"  # the browser's URL, as the bound widget sets it
        # Only the changed widget: the server keeps every other widget's value from the last run.
        widget = state.widget_states.widgets.add()
        widget.id = self.seed_widget_id
        widget.double_value = seed
        change = Change(seed=seed, sent_at=time.perf_counter(), bytes_at_send=self.bytes_received)
        self.changes.append(change)
        await self._send(request)
        return change

    async def press(self, label: str) -> Change:
        """Press a button; inside a fragment, only that fragment reruns (as in a browser)."""
        widget_id, fragment_id = self.buttons[label]
        request = BackMsg()
        state = request.rerun_script
        state.page_script_hash = self.page_script_hash
        state.fragment_id = fragment_id
        widget = state.widget_states.widgets.add()
        widget.id = widget_id
        widget.trigger_value = True
        change = Change(seed=-1, sent_at=time.perf_counter(), bytes_at_send=self.bytes_received)
        self.changes.append(change)
        await self._send(request)
        return change

    async def wait(self, change: Change, timeout: float) -> None:
        """Until ``change`` completes, is superseded, or ``timeout`` passes (then unfinished)."""
        if change.outcome != "running" or self._finished is None:
            return
        with suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._finished), max(timeout, 0.0))
        if change.outcome == "running":
            change.outcome = "unfinished"

    async def close(self) -> None:
        self.disconnected = True
        if self.connection is not None:
            await self.connection.close()
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)

    async def _send(self, request: BackMsg) -> asyncio.Future:
        """Send a rerun request; the future returned (also ``_finished``) resolves when the run
        that serves it ends."""
        if self.disconnected or self.connection is None:
            raise ConnectionError(f"learner {self.index} is disconnected")
        request.rerun_script.cached_message_hashes.extend(sorted(self._cache))
        self._requests_sent += 1
        self._waiting_for = self._requests_sent
        self._finished = finished = asyncio.get_running_loop().create_future()
        try:
            await self.connection.send(request.SerializeToString())
        except ConnectionClosed as closed:
            self._lose_connection()
            raise ConnectionError(f"learner {self.index} is disconnected") from closed
        return finished

    async def _read(self, connection: ClientConnection) -> None:
        try:
            async for data in connection:
                if isinstance(data, str):  # Streamlit sends every ForwardMsg as a binary frame
                    raise TypeError(f"learner {self.index}: unexpected text frame {data[:80]!r}")
                self.receive(data)
        except ConnectionClosed:
            pass
        self._lose_connection()

    def receive(self, data: bytes) -> None:
        """Take one ForwardMsg frame from the server."""
        self.bytes_received += len(data)
        message = ForwardMsg.FromString(data)
        if self.frames is not None:
            self.frames.append((len(data), message))
        self._handle(message)

    def _lose_connection(self) -> None:
        if not self.disconnected:
            self.disconnected = True
            self.dropped = True
            if self._finished is not None and not self._finished.done():
                self._finished.set_result(None)

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if message.metadata.cacheable:
            self._cache[message.hash] = self._run_count
        if kind == "ref_hash":
            if message.ref_hash in self._cache:
                self._cache[message.ref_hash] = self._run_count
            else:
                self.cache_misses += 1
        elif kind == "new_session":
            # A run starts: it serves the latest request sent before it was announced.
            self._run_request[message.metadata.run.script_run_id] = self._requests_sent
            self._max_cached_message_age = message.new_session.config.max_cached_message_age
        elif kind == "navigation":
            self.page_script_hash = message.navigation.page_script_hash
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            self._fragment = message.delta.fragment_id
            self._inspect(message.delta.new_element)
        elif kind == "page_not_found" or (
            kind == "session_event"
            and message.session_event.HasField("script_compilation_exception")
        ):
            self.exceptions += 1
        elif kind == "script_finished":
            self._script_finished(message)

    def _inspect(self, element: Element) -> None:
        kind = element.WhichOneof("type")
        if kind == "number_input" and element.number_input.label == SEED_LABEL:
            self.seed_widget_id = element.number_input.id
        elif kind == "button":
            self.buttons[element.button.label] = (element.button.id, self._fragment)
            if element.button.label == SKIP_LABEL:
                self.skip_widget_id = element.button.id
        elif kind == "exception":
            self.exceptions += 1
        elif kind == "alert" and element.alert.format == Alert.ERROR:
            self.error_deltas += 1

    def _script_finished(self, message: ForwardMsg) -> None:
        status = message.script_finished
        if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            return  # stopped for a newer request, whose own run follows
        self._run_count += 1
        for digest, last_used in list(self._cache.items()):
            if self._run_count - last_used > self._max_cached_message_age:
                del self._cache[digest]
        serves = self._run_request.pop(message.metadata.run.script_run_id, self._requests_sent)
        if serves != self._waiting_for or self._finished is None or self._finished.done():
            return  # a run for a request that a newer one has replaced
        if self.changes and self.changes[-1].outcome == "running":
            change = self.changes[-1]
            change.latency_s = time.perf_counter() - change.sent_at
            change.bytes_received = self.bytes_received - change.bytes_at_send
            done = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
            change.outcome = "completed" if status in done else "unfinished"
        self._finished.set_result(status)


# ---------------------------------------------------------------------------------------------
# The class


@dataclass(frozen=True)
class ClassroomSettings:
    """One load: how many learners, how many changes each, for how long at most."""

    learners: int = 10
    changes: int = 5
    """Seed changes per learner."""
    duration: float = 180.0
    """Hard deadline of the measured load, in seconds; changes still running then are unfinished."""
    page: str = "epsilon_greedy"
    idle: float = 0.0
    """Seconds to wait after the load, with every learner gone, before measuring memory again."""
    pace: str = "think"
    seed: int = 0
    """Seeds the learners' pauses (the simulations' seeds are fresh per change regardless)."""
    processes: int | None = None
    """None: one plain ``streamlit run``. A number: that many processes behind HAProxy
    (``python -m bench.serve``)."""

    def __post_init__(self) -> None:
        check_int("learners", self.learners, 1, 500)
        check_int("changes", self.changes, 1, 10_000)
        check_number("duration", self.duration, 0, 86_400, low_open=True)
        check_number("idle", self.idle, 0, 86_400)
        check_int("seed", self.seed, 0, 2**32 - 1)
        if self.processes is not None:
            check_int("processes", self.processes, 1, MAX_PROCESSES)
        if self.pace not in PACES:
            raise ValueError(f"pace must be one of {', '.join(PACES)}, got {self.pace!r}")
        pages = sorted(path.stem for path in (ROOT / "pages").glob("*.py"))
        if self.page not in pages:
            raise ValueError(f"page must be one of {', '.join(pages)}, got {self.page!r}")


class LoadOptions(TypedDict, total=False):
    """:class:`ClassroomSettings` apart from the class size and the server setup: the options
    one benchmark command applies to every load it runs."""

    changes: int
    duration: float
    page: str
    idle: float
    pace: str
    seed: int


@dataclass(frozen=True)
class ClassroomReport:
    """What one load measured; :meth:`row` is its line in the benchmark's table."""

    settings: ClassroomSettings
    changes_sent: int
    superseded: int
    unfinished: int
    latencies_s: tuple[float, ...]
    """One per completed change, from sending it to its run's script_finished."""
    change_bytes: tuple[int, ...]
    """One per completed change: everything the server sent in that time."""
    page_loads_s: tuple[float, ...]
    window_s: float
    """Wall time of the measured load (first change sent to the last learner done)."""
    server_cpu_s: float
    bench_cpu_s: float
    """CPU of this process (the learners) over the same window: it competes for the cores."""
    seeds: tuple[int, ...]
    """The seed of every change sent, in no particular order."""
    exceptions: int
    """Exceptions shown on the page (or scripts that failed to compile, or page not found)."""
    failed_loads: int
    """Learners whose first visit failed; they take no part in the load."""
    error_deltas: int
    """``st.error`` messages shown."""
    disconnects: int
    cache_misses: int
    rss_peak_mib: float
    rss_end_mib: float
    rss_idle_mib: float | None

    @property
    def changes_completed(self) -> int:
        return len(self.latencies_s)

    @property
    def errors(self) -> int:
        return (
            self.exceptions
            + self.failed_loads
            + self.error_deltas
            + self.disconnects
            + self.cache_misses
        )

    def row(self) -> dict:
        completed = max(self.changes_completed, 1)
        latencies = np.array(self.latencies_s) if self.latencies_s else np.array([np.nan])
        processes = self.settings.processes
        return {
            "learners": self.settings.learners,
            "server": "streamlit run" if processes is None else f"{processes} behind haproxy",
            "changes": self.changes_completed,
            "superseded": self.superseded,
            "unfinished": self.unfinished,
            "p50_s": float(np.percentile(latencies, 50)),
            "p95_s": float(np.percentile(latencies, 95)),
            "max_s": float(latencies.max()),
            "kb_per_change": sum(self.change_bytes) / completed / KB,
            "cpu_s_per_change": self.server_cpu_s / completed,
            "server_cpu_s": self.server_cpu_s,
            "wall_s": self.window_s,
            "cores_used": self.server_cpu_s / self.window_s if self.window_s > 0 else 0.0,
            "bench_cpu_s": self.bench_cpu_s,
            "errors": self.errors,
            "rss_peak_mib": self.rss_peak_mib,
            "rss_end_mib": self.rss_end_mib,
            "rss_idle_mib": self.rss_idle_mib,
        }


ROW_FORMATS = {
    "p50_s": ".2f",
    "p95_s": ".2f",
    "max_s": ".2f",
    "kb_per_change": ".0f",
    "cpu_s_per_change": ".3f",
    "server_cpu_s": ".1f",
    "wall_s": ".1f",
    "cores_used": ".2f",
    "bench_cpu_s": ".1f",
    "rss_peak_mib": ".0f",
    "rss_end_mib": ".0f",
    "rss_idle_mib": ".0f",
}


async def _learner_changes(
    learner: Learner, settings: ClassroomSettings, deadline: float, first_seed: int
) -> None:
    """The learner's changes: a fresh seed each, paced by ``settings.pace``."""
    low, high = THINK_SECONDS
    next_at = time.perf_counter() + learner.rng.uniform(0, high)  # the class does not type in step
    for number in range(settings.changes):
        await asyncio.sleep(max(0.0, min(next_at, deadline) - time.perf_counter()))
        if time.perf_counter() >= deadline or learner.disconnected:
            return
        try:
            change = await learner.change_seed(first_seed + number)
        except ConnectionError:
            return
        if settings.pace == "think":
            await learner.wait(change, deadline - time.perf_counter())
            next_at = time.perf_counter() + learner.rng.uniform(low, high)
        else:
            next_at = change.sent_at + learner.rng.uniform(low, high)
    if learner.changes:
        await learner.wait(learner.changes[-1], deadline - time.perf_counter())


async def _sample_peak(server: AppServer, peak: list[float]) -> None:
    while True:
        peak[0] = max(peak[0], server.resident_mib())
        await asyncio.sleep(RSS_SAMPLE_SECONDS)


async def _classroom(server: AppServer, settings: ClassroomSettings) -> ClassroomReport:
    rng = random.Random(settings.seed)
    learners = [
        Learner(index, server.stream_url, settings.page, random.Random(rng.getrandbits(64)))
        for index in range(settings.learners)
    ]
    peak = [server.resident_mib()]
    sampler = asyncio.create_task(_sample_peak(server, peak))
    try:
        opened = await asyncio.wait_for(
            asyncio.gather(*(learner.open() for learner in learners), return_exceptions=True),
            PAGE_LOAD_TIMEOUT,
        )
        failed = [error for error in opened if isinstance(error, BaseException)]
        if len(failed) == len(learners):
            raise RuntimeError(f"no learner could load the page: {failed[0]!r}")
        present = [learner for learner, error in zip(learners, opened, strict=True) if not error]

        cpu_before, bench_before = server.cpu_seconds(), time.process_time()
        start = time.perf_counter()
        deadline = start + settings.duration
        # Seeds 1, 2, ...: each learner its own block, none the page's default 0 (cached at load).
        await asyncio.gather(
            *(
                _learner_changes(learner, settings, deadline, 1 + learner.index * settings.changes)
                for learner in present
            )
        )
        window = time.perf_counter() - start
        server_cpu = server.cpu_seconds() - cpu_before
        bench_cpu = time.process_time() - bench_before
        rss_end = server.resident_mib()
        peak[0] = max(peak[0], rss_end)
    finally:
        sampler.cancel()
        await asyncio.gather(sampler, return_exceptions=True)
        await asyncio.gather(*(learner.close() for learner in learners), return_exceptions=True)

    rss_idle = None
    if settings.idle > 0:
        idle_end = time.monotonic() + settings.idle
        while time.monotonic() < idle_end:
            await asyncio.sleep(min(IDLE_SAMPLE_SECONDS, idle_end - time.monotonic()))
        rss_idle = server.resident_mib()

    changes = [change for learner in present for change in learner.changes]
    measured = [change.measured() for change in changes if change.outcome == "completed"]
    return ClassroomReport(
        settings=settings,
        changes_sent=len(changes),
        seeds=tuple(change.seed for change in changes),
        superseded=sum(change.outcome == "superseded" for change in changes),
        unfinished=sum(change.outcome == "unfinished" for change in changes),
        latencies_s=tuple(latency for latency, _ in measured),
        change_bytes=tuple(size for _, size in measured),
        page_loads_s=tuple(learner.page_load_s() for learner in present),
        window_s=window,
        server_cpu_s=server_cpu,
        bench_cpu_s=bench_cpu,
        exceptions=sum(learner.exceptions for learner in learners),
        failed_loads=len(failed),
        error_deltas=sum(learner.error_deltas for learner in learners),
        disconnects=sum(learner.dropped for learner in learners),
        cache_misses=sum(learner.cache_misses for learner in learners),
        rss_peak_mib=peak[0],
        rss_end_mib=rss_end,
        rss_idle_mib=rss_idle,
    )


def _describe(message: ForwardMsg) -> tuple[str, int, int]:
    """What a frame draws, and how many of its bytes are chart or table data (Arrow)."""
    kind = message.WhichOneof("type")
    if kind is None:
        return "(a message without content)", 0, 0
    if kind == "ref_hash":
        return "(already in the browser's cache: a reference)", 0, 0
    if kind != "delta" or message.delta.WhichOneof("type") != "new_element":
        return kind if kind != "delta" else f"delta.{message.delta.WhichOneof('type')}", 0, 0
    element = message.delta.new_element
    element_kind = element.WhichOneof("type")
    if element_kind == "vega_lite_chart":
        chart = element.vega_lite_chart
        title = json.loads(chart.spec).get("title", "")
        title = title.get("text", "") if isinstance(title, dict) else title
        arrow = sum(len(dataset.data.data) for dataset in chart.datasets) + len(chart.data.data)
        return f"chart {title!r}".strip(), arrow, len(chart.spec)
    if element_kind == "dataframe":
        columns = element.dataframe.arrow_data.data
        return "dataframe", len(columns), 0
    label = getattr(getattr(element, element_kind), "label", "") if element_kind else ""
    return f"{element_kind} {label!r}" if label else str(element_kind), 0, 0


async def _one_change_frames(server: AppServer, page: str, seed: int) -> list[dict]:
    learner = Learner(0, server.stream_url, page, random.Random(0))
    try:
        await asyncio.wait_for(learner.open(), PAGE_LOAD_TIMEOUT)
        learner.frames = []
        change = await learner.change_seed(seed)
        await learner.wait(change, PAGE_LOAD_TIMEOUT)
        if change.outcome != "completed":
            raise RuntimeError(f"the change to seed {seed} ended {change.outcome}")
    finally:
        await learner.close()
    rows: dict[str, dict] = {}
    for size, message in learner.frames:
        what, arrow, spec = _describe(message)
        row = rows.setdefault(
            what, {"element": what, "count": 0, "bytes": 0, "arrow": 0, "spec": 0}
        )
        row["count"] += 1
        row["bytes"] += size
        row["arrow"] += arrow
        row["spec"] += spec
    return sorted(rows.values(), key=lambda row: -row["bytes"])


def bytes_by_element(page: str = "epsilon_greedy", seed: int = 1) -> list[dict]:
    """What the server sends for one seed change, per element: total, Arrow data, JSON spec.

    One learner on a fresh server loads the page (seed 0) and then enters ``seed``; the rows
    add up to everything received for that change, with the browser's message cache in place.
    """
    with running_server() as server:
        return asyncio.run(_one_change_frames(server, page, seed))


def run_classroom(settings: ClassroomSettings) -> ClassroomReport:
    """One load against a fresh server (empty caches), which is stopped afterwards."""
    server = running_server() if settings.processes is None else running_proxied(settings.processes)
    with server as app:
        return asyncio.run(_classroom(app, settings))


def run_classroom_benchmark(
    learner_counts: Sequence[int],
    process_counts: Sequence[int | None] = (None,),
    **settings: Unpack[LoadOptions],
) -> list[ClassroomReport]:
    """:func:`run_classroom` for each server setup and class size, each on a fresh server.

    ``process_counts``: None for one plain ``streamlit run``, N for N processes behind HAProxy.
    A line per finished load goes to stderr, so a long benchmark shows its progress.
    """
    reports = []
    for processes in process_counts:
        for count in learner_counts:
            report = run_classroom(
                ClassroomSettings(learners=count, processes=processes, **settings)
            )
            print(
                f"[classroom] {count} learners, {report.row()['server']}: "
                f"{report.changes_completed} changes completed in {report.window_s:.0f} s",
                file=sys.stderr,
                flush=True,
            )
            reports.append(report)
    return reports


def print_reports(reports: Sequence[ClassroomReport]) -> None:
    print(table([report.row() for report in reports], ROW_FORMATS) + "\n")
    for report in reports:
        loads = report.page_loads_s
        print(
            f"- {report.settings.learners} learners, {report.row()['server']}: "
            f"{report.changes_sent} changes sent, "
            f"first page loads {min(loads):.1f}-{max(loads):.1f} s; errors: "
            f"{report.failed_loads} failed page loads, "
            f"{report.exceptions} exceptions, {report.error_deltas} error messages, "
            f"{report.disconnects} disconnects, {report.cache_misses} message-cache misses"
        )


def add_arguments(parser: argparse.ArgumentParser, learners: Sequence[int]) -> None:
    """The classroom options, shared by this module's command line and ``python -m bench``."""
    defaults = ClassroomSettings()
    group = parser.add_argument_group("classroom load")
    group.add_argument(
        "--learners",
        type=int,
        nargs="+",
        default=list(learners),
        help="class sizes; each runs on a fresh server (default: %(default)s)",
    )
    group.add_argument(
        "--changes",
        type=int,
        default=defaults.changes,
        help="seed changes per learner (default: %(default)s)",
    )
    group.add_argument(
        "--duration",
        type=float,
        default=defaults.duration,
        help="hard deadline of each load in seconds (default: %(default)s)",
    )
    group.add_argument(
        "--page",
        default=defaults.page,
        help="page with a 'Random seed' input, by URL name (default: %(default)s)",
    )
    group.add_argument(
        "--idle",
        type=float,
        default=defaults.idle,
        help="seconds to idle after the load before measuring memory again, e.g. 600 "
        "(default: %(default)s, no idle check)",
    )
    group.add_argument(
        "--pace",
        choices=PACES,
        default=defaults.pace,
        help="think: 2-4 s after each result; fixed: every 2-4 s regardless (default: think)",
    )
    group.add_argument("--seed", type=int, default=defaults.seed, help="seeds the learners' pauses")
    group.add_argument(
        "--processes",
        type=_process_count,
        nargs="+",
        default=[None],
        help="server setups, each a fresh server per class size: N Streamlit processes behind "
        "HAProxy (python -m bench.serve), or 'plain' for one streamlit run without a proxy "
        "(default: plain); e.g. --processes plain 1 2",
    )
    group.add_argument(
        "--by-element",
        action="store_true",
        help="also show the bytes of one seed change per page element (one more server)",
    )


def print_bytes_by_element(page: str) -> None:
    rows = bytes_by_element(page)
    total = sum(row["bytes"] for row in rows)
    print(f"\nBytes of one seed change on /{page}, by element ({total / KB:.0f} KB in all):\n")
    print(
        table(
            [
                {
                    "element": row["element"],
                    "count": row["count"],
                    "kb": row["bytes"] / KB,
                    "arrow_kb": row["arrow"] / KB,
                    "spec_kb": row["spec"] / KB,
                    "share": row["bytes"] / total,
                }
                for row in rows
            ],
            {"kb": ".1f", "arrow_kb": ".1f", "spec_kb": ".1f", "share": ".0%"},
        )
    )


def _process_count(text: str) -> int | None:
    return None if text == "plain" else int(text)


def settings_from(args: argparse.Namespace) -> LoadOptions:
    return {
        "changes": args.changes,
        "duration": args.duration,
        "page": args.page,
        "idle": args.idle,
        "pace": args.pace,
        "seed": args.seed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.classroom",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser, learners=[10])
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    # A plain `kill` ends the benchmark through its cleanup, which stops the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    print(
        f"## Classroom load: {args.page}, {args.changes} changes per learner, pace {args.pace}, "
        f"{os.cpu_count()} cores\n"
    )
    try:
        print_reports(run_classroom_benchmark(args.learners, args.processes, **settings_from(args)))
        if args.by_element:
            print_bytes_by_element(args.page)
    except KeyboardInterrupt:
        print("Interrupted; the server was stopped.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())


STEP_PAGE = "greedy"
STEP_PRESSES = 30


async def _step_presses(server: AppServer, page: str, presses: int) -> dict:
    learner = Learner(0, server.stream_url, page, random.Random(0))
    try:
        await asyncio.wait_for(learner.open(), PAGE_LOAD_TIMEOUT)
        latencies: list[float] = []
        sizes: list[int] = []
        cpu: list[float] = []
        for _ in range(presses):
            before = server.cpu_seconds()
            change = await learner.press("+1")
            await learner.wait(change, PAGE_LOAD_TIMEOUT)
            if change.outcome != "completed":
                raise RuntimeError(f"a step press ended {change.outcome}")
            cpu.append(server.cpu_seconds() - before)
            latency, size = change.measured()
            latencies.append(latency)
            sizes.append(size)
    finally:
        await learner.close()
    return {
        "page": page,
        "presses": presses,
        "fragment": bool(learner.buttons["+1"][1]),
        "p50_s": statistics.median(latencies),
        "max_s": max(latencies),
        "cpu_s_per_step": statistics.mean(cpu),
        "kb_per_step": statistics.mean(sizes) / 1024,
    }


def run_step_benchmark(page: str = STEP_PAGE, presses: int = STEP_PRESSES) -> dict:
    """Server time of one "+1" in "Inside one run": a fragment rerun, not the whole page."""
    with running_server() as server:
        return asyncio.run(_step_presses(server, page, presses))
