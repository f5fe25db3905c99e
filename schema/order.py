"""``orderBy`` arguments: sort keys from fixed enums, translated to ``graph.filters.Sort``."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

import strawberry

from graph.filters import Prop, Sort


@strawberry.enum
class SortDirection(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.enum(description="Project fields to sort by. Missing values sort last (first in DESC).")
class ProjectSortField(Enum):
    CODE = "code"
    TITLE = "title"
    STATUS = "status"
    START_DATE = "start_date"
    END_DATE = "end_date"
    BUDGET = "budget"
    BUDGET_CURRENCY = "budget_currency"
    HIERARCHY = "hierarchy"


@strawberry.enum(description="What a donor's contributions sort by: its amounts or the project.")
class ContributionSortField(Enum):
    AMOUNT = "amount"
    COMMITTED = "committed"
    DISBURSED = "disbursed"
    SPENT = "spent"
    CURRENCY = "currency"
    PROJECT_CODE = "project_code"
    PROJECT_TITLE = "project_title"
    PROJECT_START_DATE = "project_start_date"
    PROJECT_BUDGET = "project_budget"


@strawberry.enum
class VideoSortField(Enum):
    TITLE = "title"
    URL = "url"


@strawberry.enum
class DocumentSortField(Enum):
    TITLE = "title"
    CATEGORY = "category"
    URL = "url"


@strawberry.input
class ProjectOrder:
    field: ProjectSortField
    direction: SortDirection = SortDirection.ASC


@strawberry.input
class ContributionOrder:
    field: ContributionSortField
    direction: SortDirection = SortDirection.ASC


@strawberry.input
class VideoOrder:
    field: VideoSortField
    direction: SortDirection = SortDirection.ASC


@strawberry.input
class DocumentOrder:
    field: DocumentSortField
    direction: SortDirection = SortDirection.ASC


Order = ProjectOrder | ContributionOrder | VideoOrder | DocumentOrder

_PROPS: dict[Enum, Prop] = {
    ProjectSortField.CODE: Prop.PROJECT_CODE,
    ProjectSortField.TITLE: Prop.PROJECT_TITLE,
    ProjectSortField.STATUS: Prop.PROJECT_STATUS,
    ProjectSortField.START_DATE: Prop.PROJECT_START_DATE,
    ProjectSortField.END_DATE: Prop.PROJECT_END_DATE,
    ProjectSortField.BUDGET: Prop.PROJECT_BUDGET,
    ProjectSortField.BUDGET_CURRENCY: Prop.PROJECT_BUDGET_CURRENCY,
    ProjectSortField.HIERARCHY: Prop.PROJECT_HIERARCHY,
    ContributionSortField.AMOUNT: Prop.CONTRIBUTION_AMOUNT,
    ContributionSortField.COMMITTED: Prop.CONTRIBUTION_COMMITTED,
    ContributionSortField.DISBURSED: Prop.CONTRIBUTION_DISBURSED,
    ContributionSortField.SPENT: Prop.CONTRIBUTION_SPENT,
    ContributionSortField.CURRENCY: Prop.CONTRIBUTION_CURRENCY,
    ContributionSortField.PROJECT_CODE: Prop.PROJECT_CODE,
    ContributionSortField.PROJECT_TITLE: Prop.PROJECT_TITLE,
    ContributionSortField.PROJECT_START_DATE: Prop.PROJECT_START_DATE,
    ContributionSortField.PROJECT_BUDGET: Prop.PROJECT_BUDGET,
    VideoSortField.TITLE: Prop.VIDEO_TITLE,
    VideoSortField.URL: Prop.VIDEO_URL,
    DocumentSortField.TITLE: Prop.DOCUMENT_TITLE,
    DocumentSortField.CATEGORY: Prop.DOCUMENT_CATEGORY,
    DocumentSortField.URL: Prop.DOCUMENT_URL,
}


def to_sorts(order_by: Sequence[Order] | None) -> tuple[Sort, ...]:
    """The graph sort keys an ``orderBy`` list states, in priority order."""
    return tuple(
        Sort(_PROPS[order.field], descending=order.direction is SortDirection.DESC)
        for order in order_by or []
    )
