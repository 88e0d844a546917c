"""Reconciliation: link claims across documents into facts, find conflicts, build timelines.

Pure functions over groups of ``ClaimRecord`` (a fact, a story, an actor): the
store decides which groups changed and persists what comes back.  Every id is
derived from content, so re-running a group gives the same facts and
conflicts.
"""

from minewatch.reconcile.base import ClaimRecord, fact_key
from minewatch.reconcile.conflicts import (
    Conflict,
    disputed_conflicts,
    modality_drift,
    story_value_conflicts,
    value_conflicts,
)
from minewatch.reconcile.depositary import record_conflicts
from minewatch.reconcile.facts import Fact, build_fact, build_facts
from minewatch.reconcile.timeline import TimelineEntry, timeline

__all__ = [
    "ClaimRecord",
    "Conflict",
    "Fact",
    "TimelineEntry",
    "build_fact",
    "build_facts",
    "disputed_conflicts",
    "fact_key",
    "modality_drift",
    "record_conflicts",
    "story_value_conflicts",
    "timeline",
    "value_conflicts",
]
