"""``send``'s batches and what a failure part-way means: how many went out and where to resume.

Each SendMessageBatch entry's ``Id`` is the job's number in the command's input (1 = the first
envelope of the file), so a failure can name the jobs it concerns and the ``--skip N`` that resumes
after the last job whose fate is known, without sending any job twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from botocore.exceptions import ConnectionClosedError, ReadTimeoutError

from workerctl.aws import AWS_ERRORS, user_error
from workerctl.queues import send_batches


class SendFailedError(Exception):
    """A send stopped: ``sent`` went out; ``resume_after`` is the last job number whose fate is known."""

    def __init__(
        self,
        *,
        sent: int,
        resume_after: int,
        reason: str,
        refused: Sequence[int] = (),
        uncertain: bool = False,
    ) -> None:
        super().__init__(reason)
        self.sent, self.resume_after, self.reason = sent, resume_after, reason
        self.refused, self.uncertain = list(refused), uncertain

    def explain(self, *, total: int, skipped: int = 0) -> str:
        """The one-line error: what was sent, what was not, the ``--skip`` that resumes.

        >>> print(SendFailedError(sent=20, resume_after=20, reason="boom").explain(total=35))
        sent 20 of 35 job(s), then boom; jobs 21-35 were not sent: resume with --skip 20
        """
        head = f"sent {self.sent} of {total - skipped} job(s)"
        if self.refused:
            names = ", ".join(str(n) for n in self.refused[:10]) + (" ..." if len(self.refused) > 10 else "")
            return (
                f"{head}; SendMessageBatch refused job(s) {names} ({self.reason}); every other job up to "
                f"{self.resume_after} was sent: send the refused job(s) again once fixed, and resume the "
                f"rest with --skip {self.resume_after}"
            )
        rest = f"jobs {self.resume_after + 1}-{total}" if self.resume_after + 1 < total else f"job {total}"
        line = f"{head}, then {self.reason}; {rest} were not sent: resume with --skip {self.resume_after}"
        if self.uncertain:
            line += " (the failed call got no answer: check the queue, its batch may have gone out)"
        return line


def send_all(client: Any, url: str, entries: Sequence[dict[str, Any]]) -> int:
    """SendMessageBatch every entry (``Id`` = job number) in order; returns how many were sent.

    Stops at the first batch with a failure and raises :class:`SendFailedError`: later batches are
    never sent, so the jobs after the failed batch are exactly the ones to resume with.
    """
    sent = 0
    for batch in send_batches(entries):
        try:
            answer = client.send_message_batch(QueueUrl=url, Entries=list(batch))
        except AWS_ERRORS as exc:
            raise SendFailedError(
                sent=sent,
                resume_after=int(batch[0]["Id"]) - 1,
                reason=str(user_error(f"SendMessageBatch {url}", exc)),
                uncertain=isinstance(exc, ReadTimeoutError | ConnectionClosedError),
            ) from exc
        sent += len(answer.get("Successful", []))
        if failed := answer.get("Failed", []):
            first = failed[0]
            raise SendFailedError(
                sent=sent,
                resume_after=int(batch[-1]["Id"]),
                reason=f"{first.get('Code')}: {first.get('Message', '')}".strip(),
                refused=sorted(int(item["Id"]) for item in failed),
            )
    return sent
