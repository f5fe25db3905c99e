"""``aggregate`` on project connections: counts, budgets, groups and donor → country flows.

Every field is computed by Neo4j over the connection's whole filtered list (not its
page), one query per field kind however many parents ask, and only when selected.
Money is grouped by currency and never added across currencies.
"""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from strawberry.types import Info

from graph.aggregates import Measure
from graph.reads import Listing, Row
from schema.context import Context
from schema.errors import UserError
from schema.pagination import MAX_PAGE_SIZE
from schema.types import Country, Money, Organisation


@strawberry.type(description="Budgets in one currency over the projects that have one.")
class BudgetStats:
    currency: str
    count: int = strawberry.field(description="Projects with a budget in this currency.")
    sum: float
    min: float
    max: float
    average: float


@strawberry.type(
    description="Projects sharing a value (a status, a start year, a country, a sector)."
)
class Group:
    key: str | None = strawberry.field(
        description="The value: status, year, ISO2 or sector key (null: projects without one)."
    )
    name: str | None
    count: int = strawberry.field(description="Projects in the group.")
    sum_budget: list[Money] = strawberry.field(
        description="Their budgets per currency; for countries and sectors, each project's "
        "share (its percentage, or an even split when the source gives none)."
    )


@strawberry.type(description="What one donor put into the listed projects.")
class DonorTotal:
    donor: Organisation
    count: int = strawberry.field(description="Projects it contributes to.")
    contributed: list[Money] = strawberry.field(
        description="Its contributions, per currency (IATI: commitments, else incoming funds)."
    )


@strawberry.type(description="How much one donor put into one country, in one currency.")
class Flow:
    donor: Organisation
    country: Country
    amount: Money = strawberry.field(
        description="Contributions times the country's share of each project."
    )
    projects: int


@strawberry.type(description="Aggregates over every project of the filtered list.")
class ProjectAggregate:
    _listing: strawberry.Private[Listing]
    _key: strawberry.Private[str]

    async def _rows(self, info: Info[Context, None], measure: Measure, limit: int = 0) -> list[Row]:
        return await info.context.loaders.aggregate(measure, self._listing, self._key, limit)

    @strawberry.field(description="How many projects.")
    async def count(self, info: Info[Context, None]) -> int:
        return sum(row["count"] for row in await self._rows(info, Measure.SUMMARY))

    @strawberry.field(description="The sum of their budgets, per currency.")
    async def sum_budget(self, info: Info[Context, None]) -> list[Money]:
        return [
            Money(amount=stats.sum, currency=stats.currency) for stats in await self.budget(info)
        ]

    @strawberry.field(description="Count, sum, min, max and average of budgets, per currency.")
    async def budget(self, info: Info[Context, None]) -> list[BudgetStats]:
        rows = await self._rows(info, Measure.SUMMARY)
        return sorted(
            (
                BudgetStats(
                    currency=row["currency"],
                    count=row["budgeted"],
                    sum=row["sum"],
                    min=row["min"],
                    max=row["max"],
                    average=row["average"],
                )
                for row in rows
                if row["currency"] is not None and row["budgeted"]
            ),
            key=lambda stats: stats.currency,
        )

    @strawberry.field(description="Groups by status.")
    async def by_status(self, info: Info[Context, None]) -> list[Group]:
        return _groups(await self._rows(info, Measure.BY_STATUS))

    @strawberry.field(description="Groups by start year (YYYY of startDate).")
    async def by_year(self, info: Info[Context, None]) -> list[Group]:
        return _groups(await self._rows(info, Measure.BY_YEAR))

    @strawberry.field(description="Groups by recipient country (a project counts in each).")
    async def by_country(self, info: Info[Context, None]) -> list[Group]:
        return _groups(await self._rows(info, Measure.BY_COUNTRY))

    @strawberry.field(description="Groups by sector (a project counts in each).")
    async def by_sector(self, info: Info[Context, None]) -> list[Group]:
        return _groups(await self._rows(info, Measure.BY_SECTOR))

    @strawberry.field(description="What each donor put in, largest number of projects first.")
    async def by_donor(self, info: Info[Context, None]) -> list[DonorTotal]:
        rows = await self._rows(info, Measure.BY_DONOR)
        totals = [
            DonorTotal(
                donor=Organisation(_props=group[0]["donor"]),
                count=group[0]["count"],
                contributed=_money(group),
            )
            for group in _grouped(rows, lambda row: row["key"])
        ]
        return sorted(totals, key=lambda total: (-total.count, total.donor._props["id"]))

    @strawberry.field(
        description="Donor → country flows: how much each donor put into each country, per "
        "currency, largest first."
    )
    async def flows(self, info: Info[Context, None], first: int = 20) -> list[Flow]:
        if not 0 <= first <= MAX_PAGE_SIZE:
            raise UserError(f"first must be between 0 and {MAX_PAGE_SIZE}, got {first}")
        rows = await self._rows(info, Measure.FLOWS, first)
        return [
            Flow(
                donor=Organisation(_props=row["donor"]),
                country=Country(_props=row["country"]),
                amount=Money(amount=row["amount"], currency=row["currency"]),
                projects=row["projects"],
            )
            for row in rows
        ]


def _grouped(rows: list[Row], key: Callable[[Row], object]) -> list[list[Row]]:
    """Rows with equal keys together, in order of first appearance."""
    groups: dict[object, list[Row]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return list(groups.values())


def _money(rows: list[Row]) -> list[Money]:
    return sorted(
        (
            Money(amount=row["amount"], currency=row["currency"])
            for row in rows
            if row["currency"] is not None and row["amount"] is not None
        ),
        key=lambda money: money.currency,
    )


def _groups(rows: list[Row]) -> list[Group]:
    """Groups by key, most projects first, then by key (nulls last)."""
    groups = [
        Group(
            key=group[0]["key"],
            name=group[0]["name"],
            count=sum(row["count"] for row in group),
            sum_budget=_money(group),
        )
        for group in _grouped(rows, lambda row: row["key"])
    ]
    return sorted(groups, key=lambda group: (-group.count, group.key is None, group.key or ""))
