"""Request dependencies as ``Annotated`` aliases: settings, metrics, the store, the teacher, auth.

Resources are created once by the app's lifespan and live on ``app.state``; these functions only
hand them to routes, so a route's signature says what it uses.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from service.api.errors import AuthenticationError, PermissionDeniedError
from service.api.metrics import Metrics
from service.api.resources import Resources
from service.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="An API key from FOLLOWFIX_API_KEYS (when any is set).")


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


async def get_resources(request: Request) -> Resources:
    """The lifespan's resources: store, recorder, compiled graph, server teacher."""
    resources: Resources = request.app.state.resources
    return resources


SettingsDep = Annotated[Settings, Depends(get_settings)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
ResourcesDep = Annotated[Resources, Depends(get_resources)]


async def require_api_key(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """401 without a bearer token, 403 with a wrong one; open when no keys are configured.

    Reads the settings off the app rather than through ``SettingsDep``: it runs on every request.
    """
    keys = request.app.state.settings.api_keys
    if not keys:
        return
    if credentials is None or not credentials.credentials:
        raise AuthenticationError(
            "missing bearer token: send 'Authorization: Bearer <api key>'",
            field="Authorization",
            headers={"WWW-Authenticate": "Bearer"},
        )
    presented = credentials.credentials.encode("utf-8", "surrogatepass")
    matched = False
    for key in keys:  # every key is compared, in constant time, whatever matched before
        matched |= hmac.compare_digest(presented, key.get_secret_value().encode("utf-8"))
    if not matched:
        raise PermissionDeniedError("invalid API key", field="Authorization")


ApiKeyDep = Depends(require_api_key)
