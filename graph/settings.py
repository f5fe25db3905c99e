"""Connection settings, read from the environment (and a ``.env`` file when present)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_PASSWORD = "aidgraph-local"
"""The documented password of the local development server; set NEO4J_PASSWORD elsewhere."""


class Settings(BaseSettings):
    """Where Neo4j is and how to reach it.

    With ``NEO4J_URI`` unset, aidgraph uses (and can start) its own local server on
    127.0.0.1; with it set (``bolt://``, ``neo4j://``, ``neo4j+s://``) everything uses
    that server and no local server is ever started.
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    neo4j_uri: str | None = Field(default=None, validation_alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", validation_alias="NEO4J_USER")
    neo4j_password: SecretStr = Field(
        default=SecretStr(DEFAULT_PASSWORD), validation_alias="NEO4J_PASSWORD"
    )
    neo4j_database: str = Field(default="neo4j", validation_alias="NEO4J_DATABASE")
    local_port: int = Field(default=7687, validation_alias="AIDGRAPH_NEO4J_PORT")
    local_data_dir: Path = Field(
        default=Path(".data/neo4j"), validation_alias="AIDGRAPH_NEO4J_DATA_DIR"
    )
    local_page_cache: str = Field(default="256m", validation_alias="AIDGRAPH_NEO4J_PAGE_CACHE")
    query_timeout_seconds: float = Field(default=15.0, validation_alias="AIDGRAPH_QUERY_TIMEOUT")

    # Limits on GraphQL requests (schema.protection; docs/api.md, "Limits and protection").
    max_depth: int = Field(default=10, ge=1, validation_alias="AIDGRAPH_MAX_DEPTH")
    max_aliases: int = Field(default=30, ge=0, validation_alias="AIDGRAPH_MAX_ALIASES")
    max_tokens: int = Field(default=5000, ge=1, validation_alias="AIDGRAPH_MAX_TOKENS")
    max_cost: int = Field(default=100_000, ge=1, validation_alias="AIDGRAPH_MAX_COST")
    introspection: bool = Field(default=True, validation_alias="AIDGRAPH_INTROSPECTION")
    # Large queries take turns (schema.protection.LargeQueryTurns).
    large_query_cost: int = Field(
        default=10_000, ge=1, validation_alias="AIDGRAPH_LARGE_QUERY_COST"
    )
    large_queries_at_once: int = Field(
        default=2, ge=1, validation_alias="AIDGRAPH_LARGE_QUERIES_AT_ONCE"
    )
    # Aggregate answers kept while the database is unchanged (schema.caching); 0: none.
    cached_aggregates: int = Field(default=256, ge=0, validation_alias="AIDGRAPH_CACHED_AGGREGATES")
    # NoDecode: the environment gives a comma-separated list, not JSON.
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="AIDGRAPH_CORS_ORIGINS"
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """``https://a.org, https://b.org`` → two origins; blanks are dropped."""
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @property
    def uses_local_server(self) -> bool:
        return self.neo4j_uri is None

    @cached_property
    def uri(self) -> str:
        """The URI every client connects to."""
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.local_port}"
