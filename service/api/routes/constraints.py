"""GET /v1/constraints: the catalogue, so clients can build valid specs without reading our code."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.catalogue import constraint_infos
from service.api.deps import ApiKeyDep
from service.api.errors import error_docs
from service.api.schemas import ConstraintInfo

router = APIRouter(prefix="/v1", tags=["constraints"], dependencies=[ApiKeyDep])


@router.get("/constraints", responses=error_docs(401, 403))
async def list_constraints() -> list[ConstraintInfo]:
    """Every constraint id with a worked description, the JSON Schema of its kwargs and repairability."""
    return list(constraint_infos())
