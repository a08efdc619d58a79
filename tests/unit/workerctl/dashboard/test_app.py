"""The routes and their guard, without a socket: Host check, token, Origin, content type, actions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.unit.workerctl.fakes import DLQ, JOBS, FakeSqs
from workerctl.dlq.sqs_adapter import SqsQueues
from workerctl.local.dashboard.app import DashboardApp, Response
from workerctl.local.dashboard.dead_letters import DeadLetters
from workerctl.local.dashboard.jobs import JobCatalog
from workerctl.local.dashboard.sampler import QueueInfo, Sampler, Sources
from workerctl.local.dashboard.security import TOKEN_HEADER, Guard

PORT = 8086
JOB_MODULES = ("queue_worker.example_jobs", "workerctl.local.demo_jobs")


class PurgeableSqs(FakeSqs):
    def purge_queue(self, QueueUrl: str) -> None:  # noqa: N803 - boto3's name
        self.visible[QueueUrl] = []


@pytest.fixture
def sqs() -> PurgeableSqs:
    return PurgeableSqs()


@pytest.fixture
def sent() -> list[tuple[str, str]]:
    return []


@pytest.fixture
def app(sqs: PurgeableSqs, sent: list[tuple[str, str]]) -> DashboardApp:
    sources = Sources(
        queues=[QueueInfo("app-jobs", "jobs", JOBS.url)],
        queue_counts=lambda url: {"visible": 0, "in_flight": 0, "delayed": 0},
        health=None,
        refresh_dead_letters=None,
        parts=dict,
        calls=lambda: 0,
    )
    dead_letters = DeadLetters(SqsQueues(sqs), DLQ, JOBS, max_receive_count=5)  # type: ignore[arg-type]

    def send(body: str, correlation_id: str) -> str:
        sent.append((body, correlation_id))
        return "m-sent"

    return DashboardApp(
        Guard(PORT, token="t0ken"), Sampler(sources), JobCatalog(JOB_MODULES), dead_letters, send
    )


def get(app: DashboardApp, path: str, host: str = f"127.0.0.1:{PORT}") -> Response:
    return app.handle("GET", path, {"host": host}, b"")


def post(app: DashboardApp, path: str, body: Any, **headers: str) -> Response:
    base = {"host": f"localhost:{PORT}", "content-type": "application/json", TOKEN_HEADER: "t0ken"}
    return app.handle("POST", path, base | headers, json.dumps(body).encode())


def answer(response: Response) -> Any:
    return json.loads(response.body)


def test_the_page_carries_this_runs_token_and_the_assets_are_a_fixed_list(app: DashboardApp) -> None:
    page = get(app, "/")
    assert page.status == 200
    assert page.content_type.startswith("text/html")
    assert b'<meta name="dashboard-token" content="t0ken">' in page.body
    assert get(app, "/static/dashboard.js").content_type.startswith("text/javascript")
    assert get(app, "/static/../app.py").status == 404
    assert get(app, "/static/index.html").status == 404
    assert get(app, "/nope").status == 404


@pytest.mark.parametrize("host", ["evil.example:8086", "127.0.0.1:9999", "", "127.0.0.1.nip.io:8086"])
def test_a_foreign_host_header_is_refused_for_reads_and_actions(app: DashboardApp, host: str) -> None:
    assert get(app, "/", host=host).status == 421
    assert post(app, "/api/send", {"type": "checksum", "payload": {"text": "x"}}, host=host).status == 421


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({TOKEN_HEADER: ""}, 403),
        ({TOKEN_HEADER: "guess"}, 403),
        ({"origin": "http://evil.example"}, 403),
        ({"origin": "null"}, 403),
        ({"content-type": "text/plain"}, 415),
        ({"content-type": "application/x-www-form-urlencoded"}, 415),
    ],
)
def test_actions_need_the_token_the_own_origin_and_json(
    app: DashboardApp, sent: list[tuple[str, str]], headers: dict[str, str], status: int
) -> None:
    response = post(app, "/api/send", {"type": "checksum", "payload": {"text": "x"}}, **headers)
    assert response.status == status
    assert "error" in answer(response)
    assert sent == []


def test_other_methods_are_refused(app: DashboardApp) -> None:
    assert app.handle("PUT", "/api/send", {"host": f"127.0.0.1:{PORT}"}, b"").status == 405
    assert app.handle("OPTIONS", "/api/send", {"host": f"127.0.0.1:{PORT}"}, b"").status == 405


def test_the_job_catalog_lists_registered_types_with_their_json_schemas(app: DashboardApp) -> None:
    catalog = answer(get(app, "/api/jobs"))
    schemas = {entry["type"]: entry["schema"] for entry in catalog["job_types"]}
    assert schemas["checksum"]["required"] == ["text"]
    assert schemas["demo.flaky"]["properties"]["succeed_on_receive"]["maximum"] == 100
    assert catalog["problems"] == []


def test_send_validates_with_the_workers_models_before_sending(
    app: DashboardApp, sent: list[tuple[str, str]]
) -> None:
    ok = post(
        app, "/api/send", {"type": "checksum", "payload": {"text": "hi"}, "correlation_id": " order-1 "}
    )
    bad_payload = post(app, "/api/send", {"type": "checksum", "payload": {"text": "hi", "extra": 1}})
    out_of_range = post(app, "/api/send", {"type": "demo.flaky", "payload": {"succeed_on_receive": 101}})
    unknown = post(app, "/api/send", {"type": "no.such", "payload": {}})

    assert answer(ok) == {"message_id": "m-sent", "correlation_id": "order-1"}
    assert [json.loads(body) for body, _ in sent] == [{"type": "checksum", "payload": {"text": "hi"}}]
    assert bad_payload.status == 400
    assert "extra" in answer(bad_payload)["error"]
    assert out_of_range.status == 400
    assert "succeed_on_receive" in answer(out_of_range)["error"]
    assert unknown.status == 400
    assert "unknown job type" in answer(unknown)["error"]


def test_a_send_without_correlation_id_gets_a_new_one(app: DashboardApp, sent: list[tuple[str, str]]) -> None:
    response = post(app, "/api/send", {"type": "checksum", "payload": {"text": "hi"}})
    assert answer(response)["correlation_id"].startswith("dash-")
    assert sent[0][1] == answer(response)["correlation_id"]


def test_a_body_that_is_not_a_json_object_is_a_400(app: DashboardApp) -> None:
    headers = {"host": f"127.0.0.1:{PORT}", "content-type": "application/json", TOKEN_HEADER: "t0ken"}
    assert app.handle("POST", "/api/send", headers, b"[1]").status == 400
    assert app.handle("POST", "/api/send", headers, b"{").status == 400
    assert post(app, "/api/nope", {}).status == 404


def test_redrive_moves_only_the_chosen_dead_letters_and_open_shows_one(
    app: DashboardApp, sqs: PurgeableSqs
) -> None:
    for body in ("one", "two", "three"):
        sqs.put(DLQ.url, body)
    assert app.dead_letters is not None
    app.dead_letters.refresh(3)
    opened = answer(get(app, "/api/dead-letters/m1"))

    response = post(app, "/api/dead-letters/redrive", {"message_ids": ["m1"]})

    assert opened["body"] == "two"
    assert opened["error"].startswith("moved by SQS after 5")
    assert answer(response) == {"moved": 1, "asked": 1, "to": "app-jobs"}
    assert sqs.bodies(JOBS.url) == ["two"]
    assert sorted(sqs.bodies(DLQ.url)) == ["one", "three"]
    assert sqs.hidden == {}
    assert get(app, "/api/dead-letters/m1").status == 404


def test_redrive_needs_a_choice(app: DashboardApp) -> None:
    assert post(app, "/api/dead-letters/redrive", {"message_ids": []}).status == 400
    assert post(app, "/api/dead-letters/redrive", {"message_ids": "m0"}).status == 400


def test_purge_needs_the_queue_name_typed(app: DashboardApp, sqs: PurgeableSqs) -> None:
    sqs.put(DLQ.url, "one")

    refused = post(app, "/api/dead-letters/purge", {"confirm": "yes"})
    kept = sqs.bodies(DLQ.url)
    done = post(app, "/api/dead-letters/purge", {"confirm": "app-jobs-dlq"})

    assert refused.status == 400
    assert kept == ["one"]
    assert answer(done) == {"purged": "app-jobs-dlq"}
    assert sqs.bodies(DLQ.url) == []


def test_an_emulator_error_during_an_action_is_a_502_with_one_line(
    app: DashboardApp, sqs: PurgeableSqs
) -> None:
    def broken(**_: Any) -> None:
        raise ConnectionError("emulator gone")

    sqs.purge_queue = broken  # type: ignore[method-assign,assignment]
    response = post(app, "/api/dead-letters/purge", {"confirm": "app-jobs-dlq"})
    assert (response.status, answer(response)) == (502, {"error": "ConnectionError: emulator gone"})
