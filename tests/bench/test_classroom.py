"""The classroom benchmark: its protocol bookkeeping, its report, and one small real load."""

import asyncio
import random

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.classroom import ClassroomSettings, Learner, bytes_by_element, run_classroom
from bench.serve import find_haproxy
from bench.tables import table
from tests.e2e.conftest import skip_or_fail

ROW_COLUMNS = [
    "learners",
    "server",
    "changes",
    "superseded",
    "unfinished",
    "p50_s",
    "p95_s",
    "max_s",
    "kb_per_change",
    "cpu_s_per_change",
    "server_cpu_s",
    "wall_s",
    "cores_used",
    "bench_cpu_s",
    "errors",
    "rss_peak_mib",
    "rss_end_mib",
    "rss_idle_mib",
]


class FakeConnection:
    """Stands in for the websocket: keeps what the learner sends."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    async def send(self, data: bytes) -> None:
        self.sent.append(data)


def new_session(run_id: str) -> bytes:
    message = ForwardMsg()
    message.new_session.page_script_hash = "page"
    message.new_session.config.max_cached_message_age = 2
    message.metadata.run.script_run_id = run_id
    return message.SerializeToString()


def finished(run_id: str, status: int) -> bytes:
    message = ForwardMsg()
    message.script_finished = status
    message.metadata.run.script_run_id = run_id
    return message.SerializeToString()


def chart(digest: str, cacheable: bool = True) -> bytes:
    message = ForwardMsg()
    message.hash = digest
    message.metadata.cacheable = cacheable
    message.delta.new_element.markdown.body = "x" * 1000
    return message.SerializeToString()


def reference(digest: str) -> bytes:
    message = ForwardMsg()
    message.ref_hash = digest
    return message.SerializeToString()


def learner() -> Learner:
    learner = Learner(0, "ws://127.0.0.1:1/_stcore/stream", "epsilon_greedy", random.Random(0))
    learner.connection = FakeConnection()
    learner.seed_widget_id = "seed-widget"
    return learner


def test_a_change_sent_while_another_runs_supersedes_it():
    async def scenario() -> Learner:
        tab = learner()
        first = await tab.change_seed(1)
        tab.receive(new_session("run-a"))
        second = await tab.change_seed(2)
        tab.receive(finished("run-a", ForwardMsg.FINISHED_EARLY_FOR_RERUN))
        assert second.outcome == "running"
        tab.receive(new_session("run-b"))
        tab.receive(chart("h1"))
        tab.receive(finished("run-b", ForwardMsg.FINISHED_SUCCESSFULLY))
        await tab.wait(second, timeout=1)
        assert (first.outcome, second.outcome) == ("superseded", "completed")
        return tab

    tab = asyncio.run(scenario())
    second = tab.changes[1]
    assert second.latency_s is not None and second.latency_s >= 0
    assert second.bytes_received == sum(
        len(frame)
        for frame in (
            finished("run-a", ForwardMsg.FINISHED_EARLY_FOR_RERUN),
            new_session("run-b"),
            chart("h1"),
            finished("run-b", ForwardMsg.FINISHED_SUCCESSFULLY),
        )
    )


def test_a_run_for_a_replaced_request_does_not_complete_the_new_change():
    async def scenario() -> None:
        tab = learner()
        await tab.change_seed(1)
        tab.receive(new_session("run-a"))
        second = await tab.change_seed(2)
        # Run a finished before the server read the second request; that one runs next.
        tab.receive(finished("run-a", ForwardMsg.FINISHED_SUCCESSFULLY))
        assert second.outcome == "running"
        tab.receive(new_session("run-b"))
        tab.receive(finished("run-b", ForwardMsg.FINISHED_SUCCESSFULLY))
        assert second.outcome == "completed"

    asyncio.run(scenario())


def test_the_message_cache_is_offered_back_and_expires_like_the_browsers():
    async def scenario() -> list[list[str]]:
        tab = learner()
        offered = []
        for run, seed in enumerate(range(1, 6)):
            await tab.change_seed(seed)
            offered.append(list(tab.connection.sent[-1] and _hashes(tab.connection.sent[-1])))
            tab.receive(new_session(f"run-{run}"))
            if run == 0:
                tab.receive(chart("static"))
            elif run == 1:
                tab.receive(reference("static"))
            tab.receive(chart(f"curve-{run}", cacheable=run != 4))
            tab.receive(finished(f"run-{run}", ForwardMsg.FINISHED_SUCCESSFULLY))
        assert tab.cache_misses == 0
        tab.receive(reference("never-sent"))
        assert tab.cache_misses == 1
        return offered

    offered = asyncio.run(scenario())
    assert offered[0] == []
    assert offered[1] == ["curve-0", "static"]
    assert offered[2] == ["curve-0", "curve-1", "static"]
    # Age counts finished runs since last use; older than 2 runs is dropped, as in the browser.
    assert offered[3] == ["curve-1", "curve-2", "static"]
    assert offered[4] == ["curve-2", "curve-3"]


def _hashes(frame: bytes) -> list[str]:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    return sorted(BackMsg.FromString(frame).rerun_script.cached_message_hashes)


def test_settings_are_checked_at_the_boundary():
    with pytest.raises(ValueError, match=r"^learners must be a whole number from 1"):
        ClassroomSettings(learners=0)
    with pytest.raises(ValueError, match=r"^page must be one of .*epsilon_greedy"):
        ClassroomSettings(page="no_such_page")
    with pytest.raises(ValueError, match=r"^pace must be one of think, fixed"):
        ClassroomSettings(pace="sometimes")
    with pytest.raises(ValueError, match=r"^processes must be a whole number from 1 to 64"):
        ClassroomSettings(processes=0)


def test_a_missing_figure_prints_as_a_dash():
    assert table([{"a": 1.234, "b": None}], {"a": ".1f", "b": ".0f"}).splitlines()[-1] == (
        "| 1.2 | – |"
    )


@pytest.mark.slow
def test_two_learners_two_changes_against_a_real_server():
    report = run_classroom(ClassroomSettings(learners=2, changes=2, duration=120))

    assert report.changes_sent == 4
    assert report.changes_completed == 4
    assert (report.superseded, report.unfinished, report.errors) == (0, 0, 0)
    assert len(set(report.seeds)) == 4 and 0 not in report.seeds
    assert len(report.page_loads_s) == 2
    assert all(latency > 0 for latency in report.latencies_s)
    assert all(size > 0 for size in report.change_bytes)
    assert report.server_cpu_s > 0 and report.window_s > 0
    assert report.rss_end_mib > 0 and report.rss_peak_mib >= report.rss_end_mib
    assert report.rss_idle_mib is None

    row = report.row()
    assert list(row) == ROW_COLUMNS
    assert (row["learners"], row["server"], row["changes"], row["errors"]) == (
        2,
        "streamlit run",
        4,
        0,
    )
    assert row["p50_s"] <= row["p95_s"] <= row["max_s"]
    assert row["kb_per_change"] == pytest.approx(sum(report.change_bytes) / 4 / 1000)
    assert row["cpu_s_per_change"] == pytest.approx(report.server_cpu_s / 4)
    assert row["rss_idle_mib"] is None
    assert table([row], {}).count("\n") == 2


@pytest.mark.slow
def test_two_learners_through_the_proxy_on_two_processes():
    if find_haproxy() is None:
        skip_or_fail("haproxy is not installed (Debian: apt-get install haproxy)")
    report = run_classroom(ClassroomSettings(learners=2, changes=2, duration=120, processes=2))

    assert (report.changes_completed, report.errors) == (4, 0)
    assert report.row()["server"] == "2 behind haproxy"
    assert report.server_cpu_s > 0
    assert report.rss_end_mib > 0 and report.rss_peak_mib >= report.rss_end_mib


@pytest.mark.slow
def test_bytes_by_element_adds_up_one_change_against_a_real_server():
    rows = bytes_by_element("epsilon_greedy", seed=3)

    charts = [row for row in rows if row["element"].startswith("chart")]
    assert charts and all(row["arrow"] > 0 and row["spec"] > 0 for row in charts)
    assert all(row["arrow"] + row["spec"] <= row["bytes"] for row in rows)
    assert [row["bytes"] for row in rows] == sorted((row["bytes"] for row in rows), reverse=True)
    assert sum(row["count"] for row in rows if row["element"] == "script_finished") == 1
