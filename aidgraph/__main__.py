from aidgraph.cli import app

app(prog_name="aidgraph")
