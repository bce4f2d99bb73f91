"""Open Referral HSDS 3.0: the one home of the mapping, for the API, exports and imports.

`vocabulary` holds the words writer and reader agree on, `ids` the stable HSDS ids of registry
rows, `write` the mapping of registry rows to HSDS objects (the `/hsds/` API and exports),
`read` the import of HSDS services into drafts, `shape` the JSON types the reader expects,
`package` the HSDS package in a directory (JSON files and tabular CSV).
"""
