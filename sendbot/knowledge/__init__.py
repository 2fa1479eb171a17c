"""The knowledge base: the model (entries, areas, contacts, sources), its loaders, and the
one checker every data file goes through."""
