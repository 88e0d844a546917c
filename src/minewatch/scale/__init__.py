"""Distributed batch ingestion on Ray Data (optional extra ``minewatch[scale]``).

The parallel work (reading, cleaning, the relevance prefilter, extraction)
runs on Ray actors; the sequential work (duplicates, story grouping, writes,
reconciliation) runs on the driver through the same functions as the
single-process ``pipeline.ingest``, in input order, so both engines give the
same database.  See docs/scaling.md.
"""

from minewatch.scale.shards import Shard, plan_shards, read_shard

__all__ = ["Shard", "plan_shards", "read_shard"]
