"""Sources → one typed record model (``loaders.records``) → graph writes."""
