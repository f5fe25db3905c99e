"""The project status enum, shared by the types and the filters."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Activity status, after the IATI ActivityStatus codelist.")
class ProjectStatus(Enum):
    PIPELINE = "pipeline"
    IMPLEMENTATION = "implementation"
    FINALISATION = "finalisation"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    SUSPENDED = "suspended"
