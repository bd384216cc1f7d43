"""Handing messages to the SMTP server: a bounded pool of reused aiosmtplib connections.

Outcomes per message: accepted (ok); 4xx retried with backoff on the same run, then
`temporary` (left due for the next run); 5xx `ok=False` with the server's reply (never
retried); and `uncertain` when the connection died after the message content was handed
over, so the caller keeps it as "sending" rather than risk a duplicate. A server that cannot
be reached at all raises TemporaryFailure before any message is handed over.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType

import aiosmtplib

from companion.outbound.smtp_session import (
    CONNECTION_ERRORS,
    DeliveryResult,
    Outgoing,
    TemporaryFailure,
    connect,
    envelope_commands,
    message_id_of,
    prepare,
    reply_text,
)
from companion.settings import ConfigError, SmtpSettings

Sleep = Callable[[float], Awaitable[None]]
# a message, the future its result goes to, and what to call as it is handed over
_Item = tuple[Outgoing, "asyncio.Future[DeliveryResult]", Callable[[], None] | None]


class SmtpPool:
    """Up to `smtp.connections` connections, each reused for many messages.

    Use as `async with SmtpPool(smtp) as pool: results = await pool.send(messages)` or submit
    messages one at a time (`pool.submit(m)` returns a future) to overlap other work.
    """

    def __init__(
        self,
        smtp: SmtpSettings,
        *,
        retries: int = 3,
        backoff: Sequence[float] | None = None,
        sleep: Sleep = asyncio.sleep,
        retry_budget: float = 120.0,
    ) -> None:
        self.smtp = smtp
        self.retries = retries
        self.backoff = tuple(smtp.retry_delays if backoff is None else backoff) or (0.0,)
        self._sleep = sleep
        # A server answering 4xx to everything must not keep a cron run alive for hours: past
        # this many seconds of the pool's life, a 4xx is left for the next run at once.
        self._retry_deadline = time.monotonic() + retry_budget
        self._queue: asyncio.Queue[_Item | None] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        self._alive = 0
        self._last_connect_error = ""
        self.connections_opened = 0

    async def __aenter__(self) -> SmtpPool:
        first = await connect(self.smtp)  # unreachable -> TemporaryFailure before anything is sent
        self.connections_opened = 1
        self._alive = self.smtp.connections
        self._workers = [
            asyncio.create_task(self._worker(first if i == 0 else None))
            for i in range(self.smtp.connections)
        ]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for _ in self._workers:
            self._queue.put_nowait(None)
        if exc_type is None:
            await asyncio.gather(*self._workers, return_exceptions=True)
        else:
            for task in self._workers:
                task.cancel()
            await asyncio.gather(*self._workers, return_exceptions=True)

    def submit(
        self, message: Outgoing, on_handover: Callable[[], None] | None = None
    ) -> asyncio.Future[DeliveryResult]:
        """Queue `message`; `on_handover` runs just before its content goes to the server."""
        future: asyncio.Future[DeliveryResult] = asyncio.get_running_loop().create_future()
        if self._alive <= 0:
            future.set_result(self._unreachable(message))
        else:
            self._queue.put_nowait((message, future, on_handover))
        return future

    async def send(self, messages: Sequence[Outgoing]) -> list[DeliveryResult]:
        return list(await asyncio.gather(*(self.submit(m) for m in messages)))

    # -- workers ------------------------------------------------------------------------------
    def _unreachable(self, message: Outgoing) -> DeliveryResult:
        reason = self._last_connect_error or "no connection to the SMTP server"
        return DeliveryResult(message_id_of(message), False, True, reason)

    async def _worker(self, client: aiosmtplib.SMTP | None) -> None:
        try:
            while True:
                item = await self._queue.get()
                if item is None:
                    return
                message, future, on_handover = item
                if client is None or not client.is_connected:
                    client = await self._reconnect(client)
                    if client is None:
                        self._alive -= 1
                        if self._alive > 0:
                            self._queue.put_nowait(item)  # a live connection will take it
                        else:
                            self._drain(item)
                        return
                try:
                    client, result = await self._deliver_one(client, message, on_handover)
                except Exception as err:  # a bug must not leave the caller waiting forever
                    with contextlib.suppress(Exception):
                        client.close()
                    client = None
                    # Unknown whether the server got it: never resend (at most once).
                    result = DeliveryResult(
                        message_id_of(message),
                        False,
                        False,
                        f"internal error ({type(err).__name__})",
                        uncertain=True,
                    )
                if not future.done():
                    future.set_result(result)
        finally:
            if client is not None and client.is_connected:
                with contextlib.suppress(Exception):
                    await client.quit()

    def _drain(self, item: _Item) -> None:
        pending = [item]
        while not self._queue.empty():
            queued = self._queue.get_nowait()
            if queued is not None:
                pending.append(queued)
        for message, future, _on_handover in pending:
            if not future.done():
                future.set_result(self._unreachable(message))

    async def _reconnect(self, client: aiosmtplib.SMTP | None) -> aiosmtplib.SMTP | None:
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()
        try:
            fresh = await connect(self.smtp)
        except (TemporaryFailure, ConfigError) as err:
            self._last_connect_error = str(err)
            return None
        self.connections_opened += 1
        return fresh

    async def _deliver_one(
        self,
        client: aiosmtplib.SMTP,
        message: Outgoing,
        on_handover: Callable[[], None] | None = None,
    ) -> tuple[aiosmtplib.SMTP, DeliveryResult]:
        message_id = message_id_of(message)
        last = DeliveryResult(message_id, False, True, "not attempted")
        for attempt in range(self.retries + 1):
            if attempt:
                delay = self.backoff[min(attempt - 1, len(self.backoff) - 1)]
                if time.monotonic() + delay > self._retry_deadline:
                    return client, last
                await self._sleep(delay)
                if not client.is_connected:
                    fresh = await self._reconnect(client)
                    if fresh is None:
                        return client, DeliveryResult(
                            message_id, False, True, self._last_connect_error
                        )
                    client = fresh
            handed_over = False
            try:
                data, encoding = prepare(client, message)
                await envelope_commands(client, message, data, encoding)
                # From here on the server may accept the message even if we never hear back.
                if on_handover is not None:
                    on_handover()
                handed_over = True
                response = await client.data(data)
                return client, DeliveryResult(
                    message_id, True, False, reply_text(response.code, response.message)
                )
            except aiosmtplib.SMTPNotSupported as err:
                return client, DeliveryResult(message_id, False, False, str(err)[:300])
            except aiosmtplib.SMTPRecipientsRefused as err:
                refused = err.recipients[0]
                last = DeliveryResult(
                    message_id,
                    False,
                    400 <= refused.code < 500,
                    reply_text(refused.code, refused.message),
                )
            except aiosmtplib.SMTPResponseException as err:
                last = DeliveryResult(
                    message_id, False, 400 <= err.code < 500, reply_text(err.code, err.message)
                )
            except CONNECTION_ERRORS as err:
                if handed_over:
                    return client, DeliveryResult(
                        message_id,
                        False,
                        False,
                        f"connection lost after the message was handed over ({type(err).__name__})",
                        uncertain=True,
                    )
                last = DeliveryResult(
                    message_id, False, True, f"connection lost ({type(err).__name__})"
                )
            if not last.temporary:
                return client, last
        return client, last


async def deliver(
    smtp: SmtpSettings,
    messages: Sequence[Outgoing],
    *,
    retries: int = 3,
    backoff: Sequence[float] | None = None,
) -> list[DeliveryResult]:
    """Send `messages` over up to `smtp.connections` reused connections; results in order."""
    if not messages:
        return []
    async with SmtpPool(smtp, retries=retries, backoff=backoff) as pool:
        return await pool.send(messages)
