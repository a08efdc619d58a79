"""The ``batch processed`` INFO line's id lists: every record's outcome findable at the default level.

A success line per record costs as much CPU as the rest of the pipeline and ~400 B of logs per job
(decisions.md #14), so successes (and timeout skips) are listed compactly on the batch line instead:
``workerctl trace`` finds any job by message id or correlation id in them.
"""

from __future__ import annotations

# Characters of id entries per log line: the rest of the line is < 2 KiB, CloudWatch's limit is 256 KiB.
MAX_IDS_CHARS = 200_000


def outcome_entry(message_id: str, receive_count: int, correlation_id: str) -> str:
    """``"<message id> <receive count>[ <correlation id>]"``: one record in the batch line's id lists.

    The correlation id is left out when it is the message id (no ``CorrelationId``, no trace header):
    about 40 bytes per record instead of a ~400-byte line each.

    >>> outcome_entry("m-1", 2, "m-1"), outcome_entry("m-2", 1, "order-7")
    ('m-1 2', 'm-2 1 order-7')
    """
    if correlation_id == message_id:
        return f"{message_id} {receive_count}"
    return f"{message_id} {receive_count} {correlation_id}"


def id_chunks(
    succeeded: list[str], skipped: list[str], budget: int = MAX_IDS_CHARS
) -> list[dict[str, list[str]]]:
    """The entries as ``{"succeeded_ids": [...], "skipped_ids": [...]}`` pieces of at most ``budget``
    characters each (one log event is at most 256 KiB); the first piece rides on the batch line.

    >>> id_chunks(["a 1", "b 1", "c 1"], [], budget=8)
    [{'succeeded_ids': ['a 1', 'b 1']}, {'succeeded_ids': ['c 1']}]
    """
    pieces: list[dict[str, list[str]]] = [{}]
    size = 0
    for key, entries in (("succeeded_ids", succeeded), ("skipped_ids", skipped)):
        for entry in entries:
            if size + len(entry) + 4 > budget and size:
                pieces.append({})
                size = 0
            pieces[-1].setdefault(key, []).append(entry)
            size += len(entry) + 4  # the quotes, comma and space JSON adds
    return pieces
