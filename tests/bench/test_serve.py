"""The launcher behind ``python -m bench.serve``: its HAProxy configuration, and a real launch
with two Streamlit processes that must all be gone after Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
import os
import random
import select
import signal
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.classroom import Learner
from bench.serve import (
    COOKIE,
    HEALTH_PATH,
    find_haproxy,
    haproxy_config,
    launched,
    process_tree,
    shared_address,
    streamlit_command,
)
from tests.e2e.conftest import skip_or_fail

BACKEND_PORTS = [40001, 40002]


def sections(config: str) -> dict[str, list[str]]:
    """The configuration's sections ("global", "backend streamlit", ...), each a list of its
    lines without indentation and comments."""
    parsed: dict[str, list[str]] = {}
    current: list[str] = []
    for raw in config.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if raw[0].isspace():
            current.append(" ".join(line.split()))
        else:
            current = parsed.setdefault(line, [])
    return parsed


def require_haproxy() -> str:
    path = find_haproxy()
    if path is None:
        skip_or_fail("haproxy is not installed (Debian: apt-get install haproxy)")
    return path


def test_every_browser_is_pinned_to_one_process_by_a_cookie() -> None:
    config = sections(haproxy_config(BACKEND_PORTS, "0.0.0.0", 8501))

    assert set(config) == {"global", "defaults", "frontend classroom", "backend streamlit"}
    assert config["frontend classroom"] == ["bind 0.0.0.0:8501", "default_backend streamlit"]
    backend = config["backend streamlit"]
    assert "balance roundrobin" in backend
    assert f"cookie {COOKIE} insert indirect nocache httponly" in backend
    servers = [line for line in backend if line.startswith("server ")]
    assert servers == [
        "server p1 127.0.0.1:40001 cookie p1",
        "server p2 127.0.0.1:40002 cookie p2",
    ]
    assert "option redispatch" in config["defaults"]


def test_websockets_stay_open_and_dead_processes_are_taken_out() -> None:
    config = sections(haproxy_config(BACKEND_PORTS, "127.0.0.1", 8501))
    defaults = config["defaults"]
    backend = config["backend streamlit"]

    assert "mode http" in defaults
    assert "timeout tunnel 1h" in defaults  # the websocket of a whole lesson
    assert "option httpchk" in backend
    assert f"http-check send meth GET uri {HEALTH_PATH}" in backend
    assert "http-check expect string ok" in backend
    assert any(line.startswith("default-server check ") for line in backend)
    # Runs in the foreground as whoever starts it: no daemon mode, no user switch, no chroot.
    keywords = {line.split()[0] for line in config["global"]}
    assert not keywords & {"daemon", "user", "group", "chroot"}


def test_an_ipv6_address_is_bracketed() -> None:
    config = sections(haproxy_config(BACKEND_PORTS, "::", 8501))
    assert config["frontend classroom"][0] == "bind [::]:8501"


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match=r"^processes must be a whole number from 1 to 64"):
        haproxy_config([], "0.0.0.0", 8501)
    with pytest.raises(ValueError, match=r"^port must be a whole number from 1 to 65,535"):
        haproxy_config(BACKEND_PORTS, "0.0.0.0", 70_000)
    with pytest.raises(ValueError, match=r"^backend port must be a whole number"):
        haproxy_config([0], "0.0.0.0", 8501)


def test_haproxy_accepts_the_config(tmp_path: Path) -> None:
    haproxy = require_haproxy()
    config = tmp_path / "haproxy.cfg"
    config.write_text(haproxy_config(BACKEND_PORTS, "127.0.0.1", 8501))
    check = subprocess.run(
        [haproxy, "-c", "-f", str(config)], capture_output=True, text=True, timeout=30
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "warning" not in (check.stdout + check.stderr).lower()


def test_streamlit_processes_listen_on_loopback_without_file_watching() -> None:
    command = streamlit_command(40001)
    options = dict(zip(command[5::2], command[6::2], strict=True))

    assert command[2:5] == ["streamlit", "run", "streamlit_app.py"]
    assert options == {
        "--server.address": "127.0.0.1",
        "--server.port": "40001",
        "--server.headless": "true",
        "--browser.gatherUsageStats": "false",
        "--server.fileWatcherType": "none",
        "--server.runOnSave": "false",
    }


def test_the_shared_address_is_reachable_from_other_machines() -> None:
    assert shared_address("127.0.0.1", 8501) == "http://127.0.0.1:8501"
    assert shared_address("::1", 8501) == "http://[::1]:8501"
    assert not shared_address("0.0.0.0", 8501).startswith("http://0.0.0.0")


def served_by(url: str, cookie: str | None = None) -> tuple[str, str | None]:
    """Which process answered, and the process cookie the proxy set (None if it set none)."""
    request = urllib.request.Request(f"{url}{HEALTH_PATH}")
    if cookie is not None:
        request.add_header("Cookie", f"{COOKIE}={cookie}")
    with urllib.request.urlopen(request, timeout=10) as response:
        cookies = [
            value.split(";")[0].split("=", 1)[1]
            for value in response.headers.get_all("Set-Cookie") or []
            if value.startswith(f"{COOKIE}=")
        ]
        return response.headers["X-Served-By"], cookies[0] if cookies else None


async def load_the_page_twice(url: str) -> None:
    """Two learners open the ε-greedy page: each process runs it and starts its pools."""
    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    learners = [Learner(index, stream, "epsilon_greedy", random.Random(index)) for index in (0, 1)]
    try:
        await asyncio.gather(*(learner.open() for learner in learners))
    finally:
        await asyncio.gather(*(learner.close() for learner in learners))
    assert sum(learner.exceptions + learner.error_deltas for learner in learners) == 0


def still_running_after(processes: dict[int, str | None], timeout: float) -> list[int]:
    """Block until each process (pid: start time) has ended, woken by the kernel through a pidfd;
    the pids still running ``timeout`` seconds from now."""
    deadline = time.monotonic() + timeout
    left = []
    for pid, started in processes.items():
        try:
            handle = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        try:
            if start_time(pid) != started:  # ended, and its pid already reused
                continue
            remaining = max(0.0, deadline - time.monotonic())
            if not select.select([handle], [], [], remaining)[0]:
                left.append(pid)
        finally:
            os.close(handle)
    return left


def start_time(pid: int) -> str | None:
    """A process's start time (to tell it from a later one with its pid); None once gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] == "Z" else fields[19]


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_two_processes_behind_the_proxy_and_none_left_after_stopping(
    tmp_path: Path, stop: signal.Signals
) -> None:
    require_haproxy()
    with launched(2, tmp_path, stop_signal=stop) as served:
        first_visits = [served_by(served.url) for _ in range(4)]
        assert {process for process, _ in first_visits} == {"p1", "p2"}
        assert all(process == cookie for process, cookie in first_visits)
        # With the cookie, every request goes to its process, and the cookie is not set again.
        assert {served_by(served.url, "p2") for _ in range(4)} == {("p2", None)}

        # In a thread of its own: a browser test earlier in the session may hold a running loop.
        with ThreadPoolExecutor(1) as thread:
            thread.submit(asyncio.run, load_the_page_twice(served.url)).result()
        tree = {pid: start_time(pid) for pid in process_tree(served.pid)}
        commands = [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in tree]
        assert sum(b"haproxy" in command for command in commands) == 1
        assert sum(b"streamlit\0run" in command for command in commands) == 2
        assert sum(b"multiprocessing" in command for command in commands) >= 2  # pool workers

    assert served.process.returncode == 128 + stop
    left = still_running_after(tree, timeout=10)
    assert not left, f"still running after the launcher stopped: {left}"
