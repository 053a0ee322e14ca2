"""The Dockerfile, read rather than built (no Docker engine in CI): the essentials must hold.

Base image with a Python that gets the CPU-only torch, the requirements installed before the
code is copied (a code change reuses the installed layer), the port, a health check, a user
that is not root, and a command whose options Streamlit and the launcher still accept.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
from pathlib import Path

from streamlit import config as streamlit_config

from bench.serve import HEALTH_PATH, argument_parser
from tests.test_packaging import PYTORCH_CPU_INDEX, cpu_wheel_name, environment, read_requirements

ROOT = Path(__file__).resolve().parents[1]
PORT = "8501"
RUNTIME_PATHS = (
    "streamlit_app.py",
    "requirements.txt",
    ".streamlit/config.toml",
    "pages/home.py",
    "core/bandit.py",
    "core/dqn/shipped_run.pt",
    "ui/registry.py",
    "notebooks/checks.py",
    "bench/serve.py",
)
"""Read by the app at run time (the notebooks' checks go into downloads), or the launcher."""


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions in order, as (KEYWORD, arguments), continuations joined."""
    joined = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in joined.splitlines()]
    result = []
    for line in lines:
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            result.append((keyword.upper(), " ".join(arguments.split())))
    return result


def only(keyword: str) -> str:
    (arguments,) = [arguments for name, arguments in instructions() if name == keyword]
    return arguments


def position(keyword: str, pattern: str) -> int:
    (index,) = [
        index
        for index, (name, arguments) in enumerate(instructions())
        if name == keyword and re.search(pattern, arguments)
    ]
    return index


def command_lines() -> list[list[str]]:
    """The shell commands the CMD can exec (it picks one by $PROCESSES)."""
    command = json.loads(only("CMD"))
    assert command[:2] == ["sh", "-c"], "a shell picks the command by $PROCESSES"
    return [shlex.split(part) for part in re.findall(r"exec ([^;]+)", command[2])]


def test_the_base_image_gets_the_cpu_only_torch() -> None:
    match = re.fullmatch(r"python:(3\.\d+)-slim-(\w+)", only("FROM"))
    assert match, only("FROM")
    python = match.group(1)
    (torch,) = [
        requirement
        for requirement in read_requirements()
        if requirement.name == "torch"
        and requirement.marker.evaluate(environment(python, "linux", "x86_64"))
    ]
    assert torch.url == PYTORCH_CPU_INDEX + cpu_wheel_name(python).replace("+", "%2B")


def test_requirements_are_installed_before_the_code_is_copied() -> None:
    copy_requirements = position("COPY", r"^requirements\.txt ")
    install = position("RUN", r"pip install -r requirements\.txt")
    copy_code = position("COPY", r"^\. ")
    assert copy_requirements < install < copy_code


def test_haproxy_is_installed_for_the_launcher() -> None:
    apt = [arguments for name, arguments in instructions() if "apt-get" in arguments]
    assert apt and re.search(r"apt-get install -y --no-install-recommends haproxy\b", apt[0])
    assert "rm -rf /var/lib/apt/lists/*" in apt[0]


def test_the_port_health_check_and_user() -> None:
    assert only("EXPOSE") == PORT
    health = only("HEALTHCHECK")
    assert f"http://127.0.0.1:{PORT}{HEALTH_PATH}" in health
    assert only("USER") not in ("root", "0")


def test_the_command_runs_streamlit_or_the_launcher_on_every_interface() -> None:
    streamlit, launcher = sorted(command_lines(), key=lambda words: words[0] != "streamlit")

    assert streamlit[:3] == ["streamlit", "run", "streamlit_app.py"]
    options = dict(zip(streamlit[3::2], streamlit[4::2], strict=True))
    assert options["--server.address"] == "0.0.0.0"
    assert options["--server.port"] == PORT
    known = streamlit_config.get_config_options()
    assert all(option.removeprefix("--") in known for option in options), options

    assert launcher[:3] == ["python", "-m", "bench.serve"]
    arguments = argument_parser().parse_args(
        [word.replace("$PROCESSES", "2") for word in launcher[3:]]
    )
    assert (arguments.port, arguments.address, arguments.processes) == (int(PORT), "0.0.0.0", 2)


def test_dockerignore_keeps_what_the_app_reads_and_drops_the_rest() -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def ignored(path: str) -> bool:
        parts = Path(path).parts
        prefixes = ["/".join(parts[: index + 1]) for index in range(len(parts))]
        return any(
            fnmatch.fnmatch(prefix, pattern.removeprefix("**/"))
            or fnmatch.fnmatch(Path(prefix).name, pattern.removeprefix("**/"))
            for prefix in prefixes
            for pattern in patterns
        )

    for path in RUNTIME_PATHS:
        assert (ROOT / path).exists(), path
        assert not ignored(path), f".dockerignore drops {path}, which the app needs"
    for path in (".git", ".venv", ".venv-ci", "artifacts", "tests", "core/__pycache__"):
        assert ignored(path), f"{path} would be copied into the image"


def test_the_strategy_loop_is_compiled_into_the_image_by_the_app_user() -> None:
    """numba skips a cache directory it cannot write to, so the app's user warms its own."""
    warm_up = position("RUN", r"simulate_many")
    cache = "/app/numba-cache"
    assert position("ENV", f"^NUMBA_CACHE_DIR={cache}$") < warm_up
    assert position("USER", "explainer") < warm_up
    created = instructions()[position("RUN", "useradd")][1]
    assert re.search(r"chown explainer .*\bnumba-cache\b", created)
    assert only("WORKDIR") + "/numba-cache" == cache
