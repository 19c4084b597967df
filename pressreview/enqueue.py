"""Sending tasks to the workers: the one way every app does it.

Best effort, after commit: a request or a task that stored rows goes on when the
broker is down, and the rows wait in a state a sweeper looks for ("queued"); the
sweeper sends them again once the broker is back. A message sent twice is
harmless, since every task claims its work with a conditional update.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """A task to send to the workers, with its arguments."""

    task: Task
    args: tuple = ()


def send(messages: Iterable[Message]) -> int:
    """Send the messages in order; the number sent before the broker failed.

    The first refusal is logged and ends the sending (the broker is down, the
    rest would fail the same way, each after a wait); the sweepers send again
    what waits.
    """
    sent = 0
    for message in messages:
        try:
            message.task.apply_async(message.args, retry=False)
        except Exception as exc:  # noqa: BLE001 - the broker is unreachable: a sweeper will send it
            logger.warning("%s%s not sent to the workers (%s); sent again later", message.task.name, message.args,
                           exc)
            return sent
        sent += 1
    return sent


@dataclass(frozen=True)
class _SendOnCommit:
    messages: tuple[Message, ...]

    def __call__(self) -> None:
        send(self.messages)


def send_on_commit(*messages: Message) -> None:
    """Send the messages, in order, once the current transaction commits (``send``):
    with the broker down, the request or the task that asked goes on."""
    if messages:
        transaction.on_commit(_SendOnCommit(messages))
