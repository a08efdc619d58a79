"""The worker's init phase in a fresh interpreter: ``python -m tests.unit.worker.init_probe [--invoke]``.

Imports ``worker_handler`` as Lambda's init phase does and prints one JSON line of facts: which heavy
modules the import loaded, whether there is a tracer, which AWS clients exist. With ``--invoke`` it then
runs events/sqs-mixed-batch.json once, with the init-phase SQS client stubbed (the unknown job's dead
letter is its one call), and counts the clients created during that first invocation.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HEAVY_MODULES = ("aws_xray_sdk", "botocore.session", "boto3", "aws_lambda_powertools.utilities.parser")
EVENT = Path(__file__).resolve().parents[3] / "events" / "sqs-mixed-batch.json"


def init_facts(worker_handler: Any) -> dict[str, Any]:
    """What the import left behind."""
    from queue_worker.adapters import aws_clients

    built = worker_handler.dependencies.cache_info().currsize  # read before calling it below
    deps = worker_handler.dependencies()
    guard_module = sys.modules.get("queue_worker.adapters.dynamodb_idempotency")
    return {
        "loaded": [name for name in HEAVY_MODULES if name in sys.modules],
        "tracer": worker_handler.tracer is not None,
        "dependencies_built": built,
        "sqs_clients": aws_clients.sqs_client.cache_info().currsize,
        "idempotency_guards": guard_module.dynamodb_idempotency_guard.cache_info().currsize
        if guard_module
        else 0,
        "queues_share_the_client": deps.sender is not None
        and deps.dead_letters is not None
        and deps.sender.client is deps.dead_letters.client,
    }


def first_invocation(worker_handler: Any) -> dict[str, Any]:
    """One invocation with the init-phase client stubbed; clients created meanwhile are counted."""
    from botocore.session import Session
    from botocore.stub import Stubber

    from workerctl.local.sandbox.context import LocalLambdaContext, frozen_clock

    created: list[str] = []
    create_client = Session.create_client

    def counting(self: Session, service_name: str, *args: Any, **kwargs: Any) -> Any:
        created.append(service_name)
        return create_client(self, service_name, *args, **kwargs)

    Session.create_client = counting  # type: ignore[method-assign]
    dead_letters = worker_handler.dependencies().dead_letters
    context = LocalLambdaContext("init-probe", request_id="r-1", timeout_s=30, clock=frozen_clock)
    with Stubber(dead_letters.client) as stubber:
        stubber.add_response("send_message", {"MessageId": "dlq-1"})
        response = worker_handler.lambda_handler(json.loads(EVENT.read_text()), context)
        stubber.assert_no_pending_responses()
    return {"clients_created": created, "failures": response["batchItemFailures"]}


def main() -> None:
    import worker_handler  # imported here: this import is the init phase under test

    facts = init_facts(worker_handler)
    if "--invoke" in sys.argv:
        facts |= first_invocation(worker_handler)
    print(json.dumps(facts))


if __name__ == "__main__":
    main()
