"""Planned field execution answers, and fails, exactly as graphql-core's own does."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import pytest
import strawberry
from api_fixture import post
from starlette.testclient import TestClient
from strawberry.dataloader import DataLoader
from test_lookahead import EVERYTHING

from schema.execution import FieldPlan, PlannedExecution

# Arguments from variables and literals, directives, aliases, __typename, an abstract
# type (node), an async field (transactions), a count and an aggregate.
VARIED = """
query Varied($lang: String, $n: Int!, $with: Boolean!, $id: ID!) {
  node(id: $id) { __typename id ... on Project { code title(lang: $lang) } }
  projects(first: $n, orderBy: [{field: BUDGET, direction: DESC}]) {
    totalCount
    aggregate { count sumBudget { amount currency } }
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      __typename
      code
      en: title(lang: "en")
      fr: title(lang: "fr")
      local: title(lang: $lang)
      status @include(if: $with)
      budget @skip(if: $with) { amount }
      transactions { type value { amount currency } }
      countries { iso2 projects(first: $n, where: {status: {eq: CLOSED}}) { totalCount } }
      videos(first: 1) { edges { node { title } } }
    } }
  }
}
"""

# A user error (a page over the maximum) under a nullable field, beside a good one.
FAILING = """{
  failing: project(code: "AG-1") { code
    videos(first: 500) { edges { node { title } } } }
  fine: project(code: "AG-2") { code status }
}"""


def _both(
    portfolio: TestClient, monkeypatch: pytest.MonkeyPatch, query: str, variables: dict[str, Any]
) -> tuple[Any, Any, int]:
    """The answer planned, the answer with no field planned, and how many plans were made."""
    made: list[str] = []
    make = PlannedExecution._make_plan

    def counted(self: PlannedExecution, *args: Any) -> Any:
        plan = make(self, *args)
        if plan is not None:
            made.append(args[1][0].node.name.value)
        return plan

    monkeypatch.setattr(PlannedExecution, "_make_plan", counted)
    planned = post(portfolio, query, variables)
    monkeypatch.setattr(PlannedExecution, "_make_plan", lambda self, *args: None)
    unplanned = post(portfolio, query, variables)
    return planned, unplanned, len(made)


def test_planned_fields_answer_what_graphql_core_answers(
    portfolio: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    planned, unplanned, plans = _both(portfolio, monkeypatch, EVERYTHING, {})
    assert "errors" not in planned, planned
    assert planned == unplanned
    assert len(planned["data"]["projects"]["edges"]) == 6
    assert plans > 0


def test_fields_are_planned_once_and_later_objects_completed_in_one_pass(
    portfolio: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    executed: list[str] = []
    execute = PlannedExecution.execute_field

    def counted(self: PlannedExecution, *args: Any) -> Any:
        executed.append(args[2][0].node.name.value)
        return execute(self, *args)

    monkeypatch.setattr(PlannedExecution, "execute_field", counted)
    query = "{ projects(first: 6) { edges { node { code title } } } }"
    planned, unplanned, plans = _both(portfolio, monkeypatch, query, {})
    assert planned == unplanned
    assert len(planned["data"]["projects"]["edges"]) == 6
    # Planned: projects and edges are met once and left to graphql-core; the edges are
    # a list of six, so their completer is made at once (node, code and title: 3 plans)
    # and every edge is completed in one pass, executing no field. Unplanned: every
    # field of every object.
    assert executed[:2] == ["projects", "edges"]
    assert (len(executed) - 20, plans) == (2, 3)


def test_arguments_directives_and_abstract_types_answer_as_unplanned(
    portfolio: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = post(portfolio, '{ project(code: "AG-1") { id } }')["data"]["project"]["id"]
    variables = {"lang": "fr", "n": 4, "with": True, "id": first}
    planned, unplanned, plans = _both(portfolio, monkeypatch, VARIED, variables)
    assert "errors" not in planned, planned
    assert planned == unplanned
    data = planned["data"]
    assert data["node"] == {
        "__typename": "Project",
        "id": first,
        "code": "AG-1",
        "title": "Sécurité alimentaire au Mali",
    }
    edges = data["projects"]["edges"]
    # AG-4 has no budget: missing values come last, in descending order too
    assert [e["node"]["code"] for e in edges] == ["AG-3", "AG-2", "AG-1", "AG-6"]
    assert all("status" in e["node"] and "budget" not in e["node"] for e in edges)
    assert plans > 0


def test_errors_are_reported_as_unplanned(
    portfolio: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    planned, unplanned, _ = _both(portfolio, monkeypatch, FAILING, {})
    assert planned == unplanned
    # the non-null videos connection fails, so its nullable project is null; the rest stands
    assert planned == {
        "data": {"failing": None, "fine": {"code": "AG-2", "status": "CLOSED"}},
        "errors": [
            {
                "message": "first must be between 0 and 100, got 500",
                "locations": [{"line": 3, "column": 5}],
                "path": ["failing", "videos"],
            }
        ],
    }


@strawberry.type
class _Item:
    n: int

    @strawberry.field
    def tenfold(self) -> int:
        """Sync, but returns an awaitable without saying ``Later``."""

        async def later() -> int:
            return self.n * 10

        return later()  # type: ignore[return-value]


@strawberry.type
class _Root:
    @strawberry.field
    def items(self) -> list[_Item]:
        return [_Item(n=n) for n in range(3)]


def test_a_resolver_that_waits_unannounced_is_still_awaited() -> None:
    query = "{ items { n tenfold } }"
    planned = strawberry.Schema(query=_Root, execution_context_class=PlannedExecution)
    result = asyncio.run(planned.execute(query))
    assert result.errors is None, result.errors
    assert result.data == {
        "items": [{"n": 0, "tenfold": 0}, {"n": 1, "tenfold": 10}, {"n": 2, "tenfold": 20}]
    }
    assert asyncio.run(strawberry.Schema(query=_Root).execute(query)).data == result.data


@strawberry.type
class _Held:
    """Scalars read from the object's attributes, as most of the schema's are."""

    n: int
    name: str | None


@strawberry.type
class _Holder:
    @strawberry.field
    def held(self) -> list[_Held | None]:
        # a missing non-null value, and a value no Int can hold, among good ones
        values: list[Any] = [(1, "one"), (None, "two"), ("three", None), (4, "four")]
        return [_Held(n=n, name=name) for n, name in values]


def test_scalars_read_from_attributes_fail_as_unplanned() -> None:
    query = "{ held { name n } }"
    planned = asyncio.run(
        strawberry.Schema(query=_Holder, execution_context_class=PlannedExecution).execute(query)
    )
    unplanned = asyncio.run(strawberry.Schema(query=_Holder).execute(query))
    assert (
        planned.data
        == unplanned.data
        == {"held": [{"name": "one", "n": 1}, None, None, {"name": "four", "n": 4}]}
    )
    errors = [(e.message, e.path) for e in planned.errors or []]
    assert errors == [(e.message, e.path) for e in unplanned.errors or []]
    assert errors == [
        ("Cannot return null for non-nullable field Held.n.", ["held", 1, "n"]),
        ("Int cannot represent non-integer value: 'three'", ["held", 2, "n"]),
    ]


def _from_root(root: _Called, add: int = 0) -> int:
    return root.base + add


def _from_parent(parent: strawberry.Parent[_Called]) -> int:
    return parent.base * 10


def _alone(add: int = 0) -> int:
    return 100 + add


@strawberry.type
class _Called:
    """A field for each way Strawberry calls a resolver without an ``Info``."""

    base: strawberry.Private[int]
    from_root: int = strawberry.field(resolver=_from_root)
    from_parent: int = strawberry.field(resolver=_from_parent)
    alone: int = strawberry.field(resolver=_alone)

    @strawberry.field
    def method(self) -> int:
        return self.base

    @strawberry.field
    def with_argument(self, add: int) -> int:
        return self.base + add


@strawberry.type
class _Calls:
    @strawberry.field
    def called(self) -> list[_Called]:
        return [_Called(base=1), _Called(base=2)]


def test_each_way_of_calling_a_resolver_answers_as_strawberry_does() -> None:
    query = "{ called { method withArgument(add: 2) fromRoot(add: 3) fromParent alone(add: 4) } }"
    planned = asyncio.run(
        strawberry.Schema(query=_Calls, execution_context_class=PlannedExecution).execute(query)
    )
    unplanned = asyncio.run(strawberry.Schema(query=_Calls).execute(query))
    expected = [
        {"method": 1, "withArgument": 3, "fromRoot": 4, "fromParent": 10, "alone": 104},
        {"method": 2, "withArgument": 4, "fromRoot": 5, "fromParent": 20, "alone": 104},
    ]
    assert (planned.errors, unplanned.errors) == (None, None)
    assert planned.data == unplanned.data == {"called": expected}


LEFT = (DataLoader, FieldPlan, PlannedExecution)
"""What a request must not leave to the collector."""


def test_a_request_leaves_no_loader_plan_or_execution_to_the_garbage_collector(
    portfolio: TestClient,
) -> None:
    """Each DataLoader's batch function closes over the request's ``GraphLoaders``: a
    cycle that held every row a request read until the collector found it (pauses of
    60-180 ms every few nested queries). ``ReleaseLoaders`` breaks it once the answer
    is built, so reference counting frees the rows. Plans, completers and shapers refer
    to the execution, which graphql-core's helpers for resolvers (its bound methods)
    refer to in turn: both are dropped with a whole response, so that the execution and
    all it holds are freed by reference counting too."""
    query = "{ countries(first: 3) { edges { node { iso2 projects(first: 2) { totalCount } } } } }"
    assert "errors" not in post(portfolio, query)
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        body = post(portfolio, query)
        gc.collect()
        left = [type(found).__name__ for found in gc.garbage if isinstance(found, LEFT)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert "errors" not in body, body
    assert left == []
