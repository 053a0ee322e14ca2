"""The dependency files: what Streamlit Community Cloud, a Linux user and CI each install.

Cloud installs the first dependency file it finds (uv.lock, Pipfile, environment.yml,
requirements.txt, pyproject.toml) with uv, on Linux x86_64 and Python 3.12 by default. PyPI's
Linux torch is the CUDA build, so requirements.txt names the CPU-only wheel by URL for the
Pythons Cloud offers, while CI (Python 3.11, no route to PyTorch's index, the CPU wheel on local
disk) keeps the plain registry pin. pyproject.toml declares the ranges the app is written for;
requirements.txt pins a release inside each.

The slow tests resolve requirements.txt with uv as Cloud does, against real PyPI (a registry CI
reaches; uv's cache makes repeats fast) and a loopback imitation of https://download.pytorch.org/whl/cpu
that, like the real one, also carries numpy and pillow, at versions other than ours.
"""

import functools
import http.server
import io
import os
import shutil
import subprocess
import threading
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYTORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu/"
CLOUD_PYTHONS = ("3.12", "3.13", "3.14")
CLOUD_PLATFORM = "x86_64-manylinux_2_28"

# Requires-Dist of the real torch 2.13.0+cpu wheel (its METADATA): no NVIDIA packages.
TORCH_CPU_REQUIRES = (
    "Requires-Python: >=3.10",
    "Requires-Dist: filelock",
    "Requires-Dist: typing-extensions>=4.10.0",
    "Requires-Dist: setuptools>=77.0.3",
    "Requires-Dist: sympy>=1.13.3",
    "Requires-Dist: networkx>=2.5.1",
    "Requires-Dist: jinja2",
    "Requires-Dist: fsspec>=0.8.5",
)
GPU_PACKAGE_PREFIXES = ("nvidia-", "cuda-", "triton")


def read_requirements() -> list[Requirement]:
    """requirements.txt's requirements (option lines are left to their own test)."""
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [Requirement(line) for line in lines if line.strip() and line[0] not in "#-"]


def declared_dependencies() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [Requirement(text) for text in project["dependencies"]]
    return {canonicalize_name(r.name): r for r in requirements}


def torch_version() -> str:
    (specifier,) = declared_dependencies()["torch"].specifier
    assert specifier.operator == "==", "pyproject.toml pins torch to one release"
    return specifier.version


def cpu_wheel_name(python: str) -> str:
    tag = "cp" + python.replace(".", "")
    return f"torch-{torch_version()}+cpu-{tag}-{tag}-manylinux_2_28_x86_64.whl"


def environment(python: str, system: str, machine: str) -> dict[str, str]:
    return {"python_version": python, "sys_platform": system, "platform_machine": machine}


def test_cloud_reads_requirements_txt() -> None:
    """A file Cloud prefers would hide requirements.txt from it (the entrypoint is at the root)."""
    for preferred in ("uv.lock", "Pipfile", "environment.yml"):
        assert not (ROOT / preferred).exists(), f"Cloud would install {preferred} instead"


def test_requirements_name_no_other_index() -> None:
    """An index or find-links line would send pip on CI to a host it cannot reach, per package."""
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    assert [line for line in lines if line.startswith("-")] == []


def test_requirements_pin_a_release_inside_each_declared_range() -> None:
    declared = declared_dependencies()
    pinned = read_requirements()
    assert {canonicalize_name(r.name) for r in pinned} == set(declared)
    for requirement in pinned:
        name = canonicalize_name(requirement.name)
        if requirement.url:
            version = requirement.url.rsplit("/", 1)[1].split("-")[1].replace("%2B", "+")
        else:
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", f"{name} is pinned to one release"
            version = specifier.version
        assert declared[name].specifier.contains(version), f"{name} {version} outside pyproject"
        if name != "torch":
            assert requirement.marker is None, f"{name} installs everywhere"


def test_the_app_declares_what_it_imports() -> None:
    declared = declared_dependencies()
    assert declared["streamlit"].specifier == SpecifierSet(">=1.67,<1.68")
    assert "pillow" in declared  # ui/cartpole.py draws with PIL
    assert "pyarrow" in declared  # ui/charts/figure.py builds Arrow tables


@pytest.mark.parametrize("python", ["3.11", "3.12", "3.13", "3.14", "3.15"])
@pytest.mark.parametrize(
    ("system", "machine"),
    [("linux", "x86_64"), ("linux", "aarch64"), ("darwin", "arm64"), ("win32", "AMD64")],
)
def test_each_platform_gets_exactly_one_torch(python: str, system: str, machine: str) -> None:
    """CPU wheel by URL on Linux x86_64 for Cloud's Pythons; the registry pin everywhere else,
    including CI (3.11), whose pip takes the CPU wheel from local disk."""
    torches = [r for r in read_requirements() if r.name == "torch"]
    (chosen,) = [r for r in torches if r.marker.evaluate(environment(python, system, machine))]
    if system == "linux" and machine == "x86_64" and python in CLOUD_PYTHONS:
        wheel = cpu_wheel_name(python).replace("+", "%2B")
        assert chosen.url == PYTORCH_CPU_INDEX + wheel
    else:
        assert chosen.url is None
        assert str(chosen.specifier) == f"=={torch_version()}"


def tiny_torch_wheel(python: str) -> bytes:
    """A wheel with the real CPU build's metadata and no code: enough for uv to resolve."""
    dist_info = f"torch-{torch_version()}+cpu.dist-info"
    tag = "cp" + python.replace(".", "")
    header = ("Metadata-Version: 2.4", "Name: torch", f"Version: {torch_version()}+cpu")
    metadata = "\n".join((*header, *TORCH_CPU_REQUIRES))
    wheel = f"Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: {tag}-{tag}-manylinux_2_28_x86_64\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{dist_info}/METADATA", metadata + "\n")
        archive.writestr(f"{dist_info}/WHEEL", wheel)
        archive.writestr(f"{dist_info}/RECORD", "")
    return buffer.getvalue()


def write_project_page(index: Path, project: str, files: list[str]) -> None:
    links = "".join(f'<a href="/whl/cpu/{f.replace("+", "%2B")}">{f}</a><br>\n' for f in files)
    (index / project).mkdir()
    (index / project / "index.html").write_text(f"<html><body>\n{links}</body></html>\n")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """uv's requests are not the test's output."""


@pytest.fixture(scope="module")
def pytorch_mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PEP 503 index on loopback laid out like PyTorch's CPU index; yields its base URL.

    It serves torch's CPU wheels and lists numpy and pillow at older releases only (their files
    are absent: a resolver that picks them fails either way)."""
    root = tmp_path_factory.mktemp("pytorch-mirror")
    index = root / "whl" / "cpu"
    index.mkdir(parents=True)
    torch_wheels = []
    for python in ("3.11", *CLOUD_PYTHONS):
        (index / cpu_wheel_name(python)).write_bytes(tiny_torch_wheel(python))
        torch_wheels.append(cpu_wheel_name(python))
    write_project_page(index, "torch", torch_wheels)
    write_project_page(index, "numpy", ["numpy-2.1.2-cp312-cp312-manylinux_2_28_x86_64.whl"])
    write_project_page(index, "pillow", ["pillow-11.0.0-cp312-cp312-manylinux_2_28_x86_64.whl"])
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


def uv_compile(workdir: Path, python: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`uv pip compile requirements.txt` in workdir into pylock.toml, for Cloud's platform and
    the given Python, without this machine's uv configuration (its cache is kept)."""
    uv = pytest.importorskip("uv", reason="uv comes with requirements-dev.txt")
    env = {k: v for k, v in os.environ.items() if not k.startswith("UV_") or k == "UV_CACHE_DIR"}
    env |= {"UV_PYTHON_DOWNLOADS": "never", "XDG_CONFIG_HOME": str(tmp_path / "no-user-config")}
    command = [uv.find_uv_bin(), "pip", "compile", "requirements.txt", "--quiet"]
    command += ["--python-version", python, "--python-platform", CLOUD_PLATFORM]
    command += ["--format", "pylock.toml", "--output-file", "pylock.toml"]
    return subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def cloud_checkout(tmp_path: Path, requirements: str) -> Path:
    """The files uv reads in a deployed checkout, requirements.txt given."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    shutil.copy(ROOT / "pyproject.toml", checkout)
    (checkout / "requirements.txt").write_text(requirements)
    return checkout


@pytest.mark.slow
@pytest.mark.parametrize("python", CLOUD_PYTHONS)
def test_cloud_gets_cpu_torch_and_every_other_pin_from_pypi(
    python: str, pytorch_mirror: str, tmp_path: Path
) -> None:
    requirements = (ROOT / "requirements.txt").read_text()
    assert PYTORCH_CPU_INDEX in requirements
    mirrored = requirements.replace("https://download.pytorch.org/", pytorch_mirror)
    checkout = cloud_checkout(tmp_path, mirrored)

    result = uv_compile(checkout, python, tmp_path)

    assert result.returncode == 0, result.stderr
    packages = {
        package["name"]: package
        for package in tomllib.loads((checkout / "pylock.toml").read_text())["packages"]
    }
    torch = packages.pop("torch")
    assert torch["version"] == f"{torch_version()}+cpu"
    assert torch["archive"]["url"] == pytorch_mirror + "whl/cpu/" + cpu_wheel_name(python).replace(
        "+", "%2B"
    )
    pins = {canonicalize_name(r.name): r for r in read_requirements() if r.name != "torch"}
    for name, requirement in pins.items():
        assert SpecifierSet(f"=={packages[name]['version']}") == requirement.specifier, name
    for name, package in packages.items():
        assert not name.startswith(GPU_PACKAGE_PREFIXES), f"{name} is a CUDA package"
        assert package["wheels"], f"{name} would be built from source on Cloud"
        for wheel in package["wheels"]:
            assert wheel["url"].startswith("https://files.pythonhosted.org/"), wheel["url"]


@pytest.mark.slow
def test_an_extra_index_url_line_takes_numpy_from_the_pytorch_index(
    pytorch_mirror: str, tmp_path: Path
) -> None:
    """The layout this file replaces: uv stops at the first index that has a package."""
    pins = [str(r) for r in read_requirements() if r.name != "torch"]
    naive = [f"--extra-index-url {pytorch_mirror}whl/cpu", *pins, f"torch=={torch_version()}"]
    checkout = cloud_checkout(tmp_path, "\n".join(naive) + "\n")

    result = uv_compile(checkout, "3.12", tmp_path)

    assert result.returncode != 0
    numpy = next(str(r.specifier) for r in read_requirements() if r.name == "numpy")
    assert f"no version of numpy{numpy}" in result.stderr
    assert f"`numpy` was found on {pytorch_mirror}whl/cpu" in result.stderr
