"""Start the app with `streamlit run` on a free local port, and stop it again."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core.workers import WORKERS_ENVIRONMENT_VARIABLE

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = "streamlit_app.py"
ARTIFACTS = ROOT / "artifacts"
STARTUP_TIMEOUT = 60.0


@dataclass(frozen=True)
class AppServer:
    url: str
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (OSError, urllib.error.URLError):
        return False


@contextmanager
def running_app(name: str = "app", port: int | None = None) -> Iterator[AppServer]:
    """`streamlit run streamlit_app.py` from the repo root; yields once /_stcore/health says ok.

    ``port`` reuses a port (a restarted server); by default a free one is picked.
    """
    port = port if port is not None else free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / f"e2e-{name}-{port}-server.log"
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
        # Others edit the sources while the suite runs: no "source changed, rerun?" prompts.
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
    ]
    # One trainer, as on a 2-core Community Cloud app, whatever this machine's core count: the
    # queue the browser tests watch for then exists on every machine.
    env = {**os.environ, "PYTHONUNBUFFERED": "1", WORKERS_ENVIRONMENT_VARIABLE: "1"}
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
        server = AppServer(url=f"http://127.0.0.1:{port}", log=log)
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while not _healthy(server.url):
                if process.poll() is not None:
                    raise RuntimeError(
                        f"streamlit exited with code {process.returncode}:\n{server.log_tail()}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"streamlit did not become healthy in {STARTUP_TIMEOUT:.0f} s:\n"
                        f"{server.log_tail()}"
                    )
                time.sleep(0.2)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
