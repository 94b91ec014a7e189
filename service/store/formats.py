"""Row shapes live in :mod:`graph.data.formats` (training builds rows too); re-exported here."""

from graph.data.formats import (
    FORMATS,
    TASK_FORMATS,
    ExportFormat,
    for_parquet,
    open_instruct_task_row,
    parquet_schema,
    rlvr_row,
    sft_row,
    trl_row,
    verl_task_row,
)

__all__ = [
    "FORMATS",
    "TASK_FORMATS",
    "ExportFormat",
    "for_parquet",
    "open_instruct_task_row",
    "parquet_schema",
    "rlvr_row",
    "sft_row",
    "trl_row",
    "verl_task_row",
]
