"""aidgraph: a GraphQL knowledge-graph backend for development-cooperation projects."""
