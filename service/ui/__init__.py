"""The review page: ``/ui``, a static single page served by the app itself, reading the API.

Every asset is a file of this package (hand-written HTML, CSS, JS and inline SVG charts, no
third-party code, no CDN), loaded once at import; the Content-Security-Policy forbids any other
origin, so the page works offline and cannot leak data elsewhere. The page is public code; its data
calls carry the API key the user enters once (kept in the browser's localStorage).
"""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from service.api.errors import NotFoundError

router = APIRouter(tags=["ui"], include_in_schema=False)

_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css"}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}


def _load() -> dict[str, bytes]:
    folder = resources.files(__package__).joinpath("assets")
    return {item.name: item.read_bytes() for item in folder.iterdir() if _suffix(item.name) in _TYPES}


def _suffix(name: str) -> str:
    return name[name.rfind(".") :] if "." in name else ""


ASSETS = _load()


@router.get("/ui", response_class=HTMLResponse)
async def page() -> Response:
    """The page itself; views are client-side routes (``/ui#/corrections``, ``#/jobs``, ...)."""
    return Response(ASSETS["index.html"], media_type=_TYPES[".html"], headers=HEADERS)


@router.get("/ui/assets/{name}")
async def asset(name: str) -> Response:
    body = ASSETS.get(name)
    if body is None:
        raise NotFoundError(f"no asset {name}", field="name")
    return Response(body, media_type=_TYPES[_suffix(name)], headers=HEADERS)
