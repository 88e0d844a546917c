"""Distributed batch ingestion on Ray (optional extra ``minewatch[scale]``) into PostgreSQL.

Every per-article stage runs on the workers: reading, cleaning, the
relevance prefilter, extraction and the writes (``ray_engine``), story
grouping from the candidate-key index (``grouping``) and reconciliation by
fact actor.  The driver plans shards and names story components.  Both
engines give the same documents, claims, facts and conflicts and the same
stories as sets of documents.  See docs/scaling.md.
"""

from minewatch.scale.shards import Shard, plan_shards, read_shard

__all__ = ["Shard", "plan_shards", "read_shard"]
