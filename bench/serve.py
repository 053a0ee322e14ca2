"""Serve a big class: several Streamlit processes behind HAProxy, started by one command.

    python -m bench.serve --processes 2 --port 8501

Why
    One ``streamlit run`` process does its Python work (script runs, chart building, sending)
    on about one core, whatever the machine has; a class of 40 then queues behind it. Several
    processes use several cores. But a learner's session lives in one process (session state,
    the websocket, the DQN runs, and the images and GIFs it serves under ``/media/``), so every
    request of one browser must reach the same process: the proxy pins each browser with a
    cookie and passes websockets through.

What it starts
    - ``--processes`` × ``streamlit run streamlit_app.py``, each on a free port of 127.0.0.1
      (reachable only through the proxy), headless, file watching off, each with its own
      simulation and training pools (``core.workers``); they share one random
      ``server.cookieSecret`` (signed cookies verify on every process).
    - Once every process answers ``/_stcore/health``: HAProxy (Debian's package ``haproxy``)
      in the foreground on ``--address:--port``, from a config generated from
      :data:`HAPROXY_TEMPLATE` into a temporary directory. A browser's first response sets the
      cookie ``rl_explainer_process`` (round robin picks the process); after that every
      request, the websocket and the media follow it. Health checks every 5 s take a crashed
      process out; its learners land on another one with a fresh session. Each response
      names its process in the header ``X-Served-By`` (p1, p2, ...: the browser's developer
      tools show which process a tab is on).
    - Ctrl-C, SIGTERM (``docker stop``) or any error stops HAProxy, then every Streamlit
      process with its pool workers (its whole process group), and removes the temporary
      directory. If this launcher is killed outright, its children get SIGTERM from the kernel.

Which address to share
    The launcher prints it: ``http://<this machine's address on the network>:<port>``. Learners
    open that; the ports of the Streamlit processes are internal.

How many processes
    One per core (the default), never more: the processes share the cores, so more only add
    memory. Each Streamlit process takes about 200 MiB idle and 250-350 MiB under a class, and
    each of its simulation-pool workers (one per core beyond the first, started at the first
    simulation) about 180 MiB; a training worker (DQN) more. Measured on 2 shared cores, 40
    learners, ε-greedy page (``python -m bench.classroom --learners 40 --processes plain 1
    2``, 28 November 2026): p95 wait 1.14 s for plain ``streamlit run``, 1.05 s for one
    process behind HAProxy and 0.65 s for two, at 0.135, 0.137 and 0.147 CPU-s per change and
    a peak of 512, 565 and 929 MiB. Details in the README, "Serving a big class".

Streamlit behind the proxy needs nothing else: HAProxy keeps the ``Host`` header, so the
websocket passes Streamlit's same-origin check with CORS protection on; XSRF tokens are checked
against the cookie of the same browser; websocket compression stays off (bytes are cheap on a
classroom network, the server's CPU is not); the app is served at the root, so no
``server.baseUrlPath``. A dropped websocket (a laptop lid, Wi-Fi) reconnects within
``server.disconnectedSessionTTL`` (120 s) to the same process, which still holds the session.

Logs: one file per Streamlit process in ``--log-dir`` (default ``artifacts/serve/``); HAProxy
writes process up/down events to this terminal.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import secrets
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
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from core.validation import check_int
from core.workers import usable_cores

ROOT = Path(__file__).resolve().parents[1]
ENTRYPOINT = "streamlit_app.py"
LOG_DIR = ROOT / "artifacts" / "serve"
COOKIE = "rl_explainer_process"
HEALTH_PATH = "/_stcore/health"
HAPROXY = "haproxy"
STARTUP_TIMEOUT = 90.0
"""For all processes together: each imports torch and numpy, in parallel on few cores."""
STOP_TIMEOUT = 15.0
POLL_SECONDS = 0.2

HAPROXY_TEMPLATE = string.Template(
    """\
# Written by bench/serve.py for one run of the launcher; edit the template there instead.
global
    maxconn 4096

defaults
    mode http
    # A process that died: send its learners to a live one (they start a fresh session).
    option redispatch
    retries 2
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout http-request 10s
    timeout http-keep-alive 10s
    # Websockets (/_stcore/stream) stay open all lesson; Streamlit pings every 30 s.
    timeout tunnel 1h
    timeout client-fin 30s
    # Generous: a process busy with a class answers slowly but is not dead (a dead one
    # refuses connections at once).
    timeout check 20s

frontend classroom
    bind $bind
    default_backend streamlit

backend streamlit
    balance roundrobin
    # The first response sets the cookie; from then on every request of that browser,
    # its websocket and its media go to the same process.
    cookie $cookie insert indirect nocache httponly
    option httpchk
    http-check send meth GET uri $health_path
    http-check expect string ok
    default-server check inter 5s fall 3 rise 1
    http-response set-header X-Served-By %[srv_name]
$servers
"""
)


# ---------------------------------------------------------------------------------------------
# Processes


def find_haproxy(name: str = HAPROXY) -> str | None:
    """HAProxy's path; Debian installs it in /usr/sbin, which a normal user's PATH may lack."""
    return shutil.which(name, path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin"]))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str) -> bool:
    """Whether Streamlit (or the proxy in front of it) at ``url`` answers its health check."""
    try:
        with urllib.request.urlopen(f"{url}{HEALTH_PATH}", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (OSError, urllib.error.URLError):
        return False


def die_with_parent() -> None:
    """In a child process: get SIGTERM when the parent dies, even by SIGKILL (Linux)."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


def process_tree(pid: int) -> list[int]:
    """``pid`` and its live descendants, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def _start(command: list[str], log: Path | None, env: dict[str, str]) -> subprocess.Popen:
    """A child in its own process group (so its pool workers can be stopped with it), not
    reached by the terminal's Ctrl-C (this launcher stops it, in order), and ended by the
    kernel if the launcher dies."""
    out = log.open("wb") if log is not None else None
    try:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT if out is not None else None,
            env=env,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
    finally:
        if out is not None:
            out.close()


def _stop(processes: Sequence[subprocess.Popen]) -> None:
    """SIGTERM each process's group, wait, then SIGKILL what is left of the groups."""
    for process in processes:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in processes:
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
    for process in processes:
        # Also the group's stragglers: pool workers outlive a Streamlit process that was killed.
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# ---------------------------------------------------------------------------------------------
# The configuration


MAX_PROCESSES = 64


def process_name(index: int) -> str:
    """The name of the ``index``-th Streamlit process (from 0): in the cookie and X-Served-By."""
    return f"p{index + 1}"


def haproxy_config(backend_ports: Sequence[int], address: str, port: int) -> str:
    """HAProxy's configuration: ``address:port`` in front of Streamlit on these loopback ports."""
    check_int("processes", len(backend_ports), 1, MAX_PROCESSES)
    check_int("port", port, 1, 65_535)
    for backend_port in backend_ports:
        check_int("backend port", backend_port, 1, 65_535)
    servers = "\n".join(
        f"    server {process_name(index)} 127.0.0.1:{backend_port} cookie {process_name(index)}"
        for index, backend_port in enumerate(backend_ports)
    )
    bind = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    return HAPROXY_TEMPLATE.substitute(
        bind=bind, cookie=COOKIE, health_path=HEALTH_PATH, servers=servers
    )


def streamlit_command(port: int) -> list[str]:
    """One Streamlit process, reachable only from this machine (through the proxy)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        ENTRYPOINT,
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        # Nobody edits the sources during a lesson; watching them costs CPU in every process.
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
    ]


LOOPBACK = {"0.0.0.0": "127.0.0.1", "*": "127.0.0.1", "::": "::1"}
"""Where this machine reaches a proxy bound to all interfaces."""


def shared_address(address: str, port: int) -> str:
    """The address learners open: the network address of this machine when bound to all."""
    host = address
    if address in ("0.0.0.0", "::", "*"):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                # Picks the interface of the default route; no packet is sent.
                probe.connect(("192.0.2.1", 9))
                host = probe.getsockname()[0]
            except OSError:
                host = socket.gethostname()
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


# ---------------------------------------------------------------------------------------------
# The whole


@dataclass(frozen=True)
class Serving:
    """What :func:`serving` started: the proxy and the Streamlit processes behind it."""

    url: str
    """The proxy, as this machine reaches it."""
    shared_url: str
    """The address to give learners."""
    proxy: subprocess.Popen
    backends: tuple[subprocess.Popen, ...]
    backend_urls: tuple[str, ...]
    logs: tuple[Path, ...]
    config: Path


def _log_tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@contextmanager
def serving(
    processes: int,
    port: int,
    address: str = "0.0.0.0",
    log_dir: Path = LOG_DIR,
    haproxy: str = HAPROXY,
) -> Iterator[Serving]:
    """Start the Streamlit processes and the proxy; stop them all when the block ends."""
    check_int("processes", processes, 1, MAX_PROCESSES)
    check_int("port", port, 1, 65_535)
    haproxy_path = find_haproxy(haproxy)
    if haproxy_path is None:
        raise FileNotFoundError(
            f"haproxy not found ({haproxy!r}); on Debian or Ubuntu: apt-get install haproxy"
        )
    log_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        # The same secret in every process: a cookie signed by one verifies on all of them.
        "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32),
    }
    ports = [free_port() for _ in range(processes)]
    logs = [log_dir / f"streamlit-{process_name(index)}.log" for index in range(processes)]
    urls = [f"http://127.0.0.1:{backend_port}" for backend_port in ports]
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rl-serve-")))
        backends: list[subprocess.Popen] = []
        stack.callback(_stop, backends)
        for backend_port, log in zip(ports, logs, strict=True):
            backends.append(_start(streamlit_command(backend_port), log, env))
        _wait_healthy(urls, backends, logs)

        config = workdir / "haproxy.cfg"
        config.write_text(haproxy_config(ports, address, port))
        proxy = _start([haproxy_path, "-db", "-f", str(config)], None, env)
        stack.callback(_stop, [proxy])  # last in, first out: the proxy stops first
        url = shared_address(LOOPBACK.get(address, address), port)
        _wait_healthy([url], [proxy], [])
        yield Serving(
            url=url,
            shared_url=shared_address(address, port),
            proxy=proxy,
            backends=tuple(backends),
            backend_urls=tuple(urls),
            logs=tuple(logs),
            config=config,
        )


def _wait_healthy(
    urls: Sequence[str], processes: Sequence[subprocess.Popen], logs: Sequence[Path]
) -> None:
    """Until every url answers its health check; fails early if its process exits."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    waiting = dict(enumerate(urls))
    while waiting:
        for index in list(waiting):
            if healthy(waiting[index]):
                del waiting[index]
            elif processes[index].poll() is not None:
                tail = _log_tail(logs[index]) if index < len(logs) else "(see above)"
                raise RuntimeError(
                    f"the process for {waiting[index]} exited with code "
                    f"{processes[index].returncode}:\n{tail}"
                )
        if waiting and time.monotonic() > deadline:
            raise RuntimeError(
                f"not healthy after {STARTUP_TIMEOUT:.0f} s: {', '.join(waiting.values())}"
            )
        if waiting:
            time.sleep(POLL_SECONDS)


def watch(served: Serving) -> int:
    """Until the proxy exits or a signal arrives; warns once about each process that dies."""
    reported: set[int] = set()
    while served.proxy.poll() is None:
        for backend, log in zip(served.backends, served.logs, strict=True):
            if backend.pid not in reported and backend.poll() is not None:
                reported.add(backend.pid)
                print(
                    f"[serve] a Streamlit process (pid {backend.pid}) exited with code "
                    f"{backend.returncode}; its learners move to the others with a fresh "
                    f"session. Its log: {log}",
                    file=sys.stderr,
                    flush=True,
                )
        time.sleep(1.0)
    print(f"[serve] haproxy exited with code {served.proxy.returncode}; stopping.", file=sys.stderr)
    return 1


# ---------------------------------------------------------------------------------------------
# Running it as a child (benchmarks and tests)


@dataclass(frozen=True)
class Launched:
    """``python -m bench.serve`` running as a child process."""

    process: subprocess.Popen
    url: str
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


@contextmanager
def launched(
    processes: int, log_dir: Path, stop_signal: int = signal.SIGTERM
) -> Iterator[Launched]:
    """This module's command line in a child process on a free loopback port, until the block
    ends (then ``stop_signal`` to it, as a teacher's Ctrl-C or ``docker stop`` would send)."""
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / "serve.log"
    command = [
        sys.executable,
        "-m",
        "bench.serve",
        "--processes",
        str(processes),
        "--port",
        str(port),
        "--address",
        "127.0.0.1",
        "--log-dir",
        str(log_dir),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, preexec_fn=die_with_parent
        )
    running = Launched(process=process, url=f"http://127.0.0.1:{port}", log=log)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT + 30
        while not healthy(running.url):
            if process.poll() is not None:
                raise RuntimeError(
                    f"bench.serve exited with code {process.returncode}:\n{_log_tail(log)}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(f"bench.serve was not healthy in time:\n{_log_tail(log)}")
            time.sleep(POLL_SECONDS)
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(stop_signal)
        try:
            process.wait(timeout=3 * STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---------------------------------------------------------------------------------------------
# Command line


def argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.serve",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=usable_cores(),
        help="Streamlit processes behind the proxy, at most one per core "
        "(default: %(default)s, the cores this machine or container allows)",
    )
    parser.add_argument(
        "--port", type=int, default=8501, help="the port learners connect to (default: 8501)"
    )
    parser.add_argument(
        "--address",
        default="0.0.0.0",
        help="where the proxy listens (default: 0.0.0.0, every network interface; "
        "127.0.0.1 for this machine only)",
    )
    parser.add_argument(
        "--log-dir",
        type=Path,
        default=LOG_DIR,
        help="one log per Streamlit process (default: artifacts/serve)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = argument_parser().parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, through the cleanup that stops every child.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    try:
        with serving(args.processes, args.port, args.address, args.log_dir) as served:
            print(
                f"[serve] {args.processes} Streamlit processes behind HAProxy.\n"
                f"[serve] Share this address with the class: {served.shared_url}\n"
                f"[serve] Logs: {args.log_dir}/. Stop with Ctrl-C.",
                file=sys.stderr,
                flush=True,
            )
            return watch(served)
    except KeyboardInterrupt:
        print("[serve] stopped.", file=sys.stderr)
        return 130
    except (FileNotFoundError, RuntimeError, ValueError) as error:
        print(f"[serve] {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
