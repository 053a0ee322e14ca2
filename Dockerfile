# The explainer in a container, for a school server or a teacher's machine:
#
#   docker build -t rl-explainer .
#   docker run --init -p 8501:8501 rl-explainer                      # one Streamlit process
#   docker run --init -p 8501:8501 -e PROCESSES=2 rl-explainer       # two, behind HAProxy
#
# Python 3.12 on purpose: for Linux x86_64 with 3.12, requirements.txt names PyTorch's CPU-only
# wheel (192 MB); with 3.11 it would install PyPI's torch, the CUDA build with several GB of
# NVIDIA packages the app never uses. Building therefore needs download.pytorch.org besides PyPI
# and Debian (nothing is downloaded at run time). On arm64 the registry's torch pin applies.
# Bookworm: the Debian release whose haproxy (2.6) the launcher's tests run against.
FROM python:3.12-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PROCESSES=1

# HAProxy is used only with PROCESSES above 1 (python -m bench.serve).
RUN apt-get update \
    && apt-get install -y --no-install-recommends haproxy \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
RUN useradd --create-home --uid 10001 explainer \
    && mkdir -p artifacts numba-cache \
    && chown explainer artifacts numba-cache
USER explainer
# Compile the strategy pages' loop (core/stack_kernel.py) into the image, so no container pays
# for it on its first page. numba only uses a cache directory it can write to (/app is not).
ENV NUMBA_CACHE_DIR=/app/numba-cache
RUN python -c "from core.bandit import Greedy, simulate_many; simulate_many([Greedy()], steps=1, runs=1)"

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

# PROCESSES=1: plain streamlit run. More: that many processes behind HAProxy (at most one per
# core; README, "Serving a big class"). exec: the server gets docker stop's SIGTERM itself.
CMD ["sh", "-c", "if [ \"$PROCESSES\" -gt 1 ]; then exec python -m bench.serve --processes \"$PROCESSES\" --port 8501 --address 0.0.0.0; else exec streamlit run streamlit_app.py --server.address 0.0.0.0 --server.port 8501 --server.fileWatcherType none; fi"]
