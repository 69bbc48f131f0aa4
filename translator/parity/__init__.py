"""Parity: the same questions asked of Power BI itself (DAX queries) and of PostgreSQL (the SQL the
report builder runs, via resolve), compared cell by cell; and the BLANK behaviours the
documentation leaves open, asked of Power BI once and pinned in the mapping file.

questions  which questions (metric x toggle setting x dimension), as data
render     a question as DAX query text and as SQL
manifest   `parity queries`: the question folder and its manifest
answers    reading Power BI's answers (Execute Queries JSON, DAX Studio CSV), writing that shape
compare    `parity compare`: run the SQL read-only, join, compare, report
probe      probe.dax;  pin: `parity pin`, the answers recorded in the mapping file
"""
