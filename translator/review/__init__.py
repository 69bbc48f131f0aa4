"""Review: the committed output against a build now. `check` (byte for byte, review.check) and
`diff` (what would change in the catalog, review.diff) read the committed folder back; the
pipeline itself never does. Import them from their modules: a build reads only
review.committed (the previous output's order) and loads neither."""
