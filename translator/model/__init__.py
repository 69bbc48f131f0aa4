"""The contracts every stage shares: the format-agnostic semantic model and the mapping's data types.

Readers fill them (from exports and translator.toml); dax, compile, reference, resolve and catalog
read them. Nothing but the orchestrators imports `translator.readers`.
"""
