"""Bulk correction of datasets: readers, resumable output, the concurrent runner, jobs and queues.

Parallelism lives here, across records; one record's fixes still run one at a time (see
DESIGN.md). Every path through this package keeps the same rule: a record is done exactly when
its result line is in the output file, and that line is written only after the store has it.
"""
