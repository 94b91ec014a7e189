"""What earlier segments of a resumed run did, read back from its output file.

The output holds one line per record ever finished, with its result (status, teacher usage), so it
is the exact record of every earlier segment, however they ended (the saved job stats may lag the
output by a progress interval when a process is killed). A job's stats are these plus the current
segment's, so statuses, ``passed`` and teacher calls add up across any number of restarts.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from graph.result import Usage
from service.bulk.output import ID_FIELD

logger = logging.getLogger(__name__)


@dataclass
class Earlier:
    """Records finished before this segment: how many, by status, and what the teacher cost."""

    records: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    usage: Usage = field(default_factory=Usage)


def read_earlier(path: Path) -> Earlier:
    """Sum the results already in ``path`` (one per record id; unreadable lines are skipped)."""
    earlier = Earlier()
    if not path.exists():
        return earlier
    seen: set[str] = set()
    with open(path, "rb") as handle:
        for line in handle:
            try:
                row = json.loads(line)
                rid, result = str(row[ID_FIELD]), row["result"]
                status, usage = str(result["status"]), Usage.model_validate(result.get("usage") or {})
            except (ValueError, KeyError, TypeError) as exc:
                logger.warning("%s: a line without a readable result is not counted: %s", path, exc)
                continue
            if rid in seen:
                continue
            seen.add(rid)
            earlier.records += 1
            earlier.statuses[status] += 1
            earlier.usage = earlier.usage.add(usage)
    return earlier
