"""The few REST calls the simulator makes: registering chargers, and the self-test's remote start,
stop and checks. An ordinary API client (httpx), sending the key in ``X-API-Key``."""

from __future__ import annotations

import ssl
from types import TracebackType
from typing import Any

import httpx
import trio

#: Registrations in flight at once.
REGISTER_CONCURRENCY = 16


class ApiError(Exception):
    """A REST call failed; ``status`` is the HTTP status (0 when the API was not reached)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class ApiClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        timeout_s: float = 40.0,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"X-API-Key": api_key},
            timeout=timeout_s,
            verify=verify,
        )

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._http.aclose()

    async def request(
        self, method: str, path: str, *, expect: tuple[int, ...], **kwargs: Any
    ) -> tuple[int, Any]:
        """(status, JSON body); ApiError for a status outside ``expect`` or no answer at all."""
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            raise ApiError(0, f"{method} {path}: {type(error).__name__}: {error}") from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code not in expect:
            message = response.text[:200]
            if isinstance(body, dict) and isinstance(body.get("error"), dict):
                message = f"{body['error'].get('code')}: {body['error'].get('message')}"
            raise ApiError(
                response.status_code, f"{method} {path}: HTTP {response.status_code} {message}"
            )
        return response.status_code, body

    async def check_key(self) -> None:
        await self.request("GET", "/health", expect=(200,))
        await self.request("GET", "/api/v1/chargers", expect=(200,), params={"limit": 1})

    async def register(
        self, charge_box_id: str, security_profile: int = 0, password: str | None = None
    ) -> bool:
        """True if registered now, False if it already was (409). The registration says how
        the charger will log in: its security profile, and its AuthorizationKey if any."""
        body: dict[str, Any] = {"chargeBoxId": charge_box_id, "securityProfile": security_profile}
        if password is not None:
            body["authorizationKey"] = password
        status, _ = await self.request("POST", "/api/v1/chargers", expect=(201, 409), json=body)
        return status == 201

    async def register_all(
        self, charge_box_ids: list[str], security_profile: int = 0, password: str | None = None
    ) -> int:
        """Register every id (already registered ones are fine); the number newly registered.
        Raises ApiError on the first failure."""
        limiter = trio.CapacityLimiter(REGISTER_CONCURRENCY)
        created = 0
        failure: list[ApiError] = []

        async def one(charge_box_id: str) -> None:
            nonlocal created
            async with limiter:
                if failure:
                    return
                try:
                    created += await self.register(charge_box_id, security_profile, password)
                except ApiError as error:
                    failure.append(error)

        async with trio.open_nursery() as nursery:
            for charge_box_id in charge_box_ids:
                nursery.start_soon(one, charge_box_id)
        if failure:
            raise failure[0]
        return created

    async def unregister(self, charge_box_id: str) -> None:
        await self.request("DELETE", f"/api/v1/chargers/{charge_box_id}", expect=(200,))

    async def charger(self, charge_box_id: str) -> Any:
        return (await self.request("GET", f"/api/v1/chargers/{charge_box_id}", expect=(200,)))[1]

    async def remote_start(
        self, charge_box_id: str, connector_id: int, id_tag: str, wait_s: int
    ) -> Any:
        return (
            await self.request(
                "POST",
                f"/api/v1/chargers/{charge_box_id}/remote-start",
                expect=(200, 202),
                params={"wait": wait_s},
                json={"connectorId": connector_id, "idTag": id_tag},
            )
        )[1]

    async def remote_stop(self, transaction_id: int) -> Any:
        return (
            await self.request(
                "POST", f"/api/v1/transactions/{transaction_id}/stop", expect=(200, 202)
            )
        )[1]

    async def transaction(self, transaction_id: int) -> Any:
        return (await self.request("GET", f"/api/v1/transactions/{transaction_id}", expect=(200,)))[
            1
        ]
