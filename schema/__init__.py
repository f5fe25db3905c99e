"""The GraphQL API: Strawberry types and resolvers, and the Starlette ASGI app."""
