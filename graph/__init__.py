"""Everything that talks to Neo4j: settings, connection, migrations, Cypher reads and writes,
and the launcher of a local server."""
