"""Data in: the registry, table schemas and their engine, text normalisation, places, and one loader module per primary source."""
