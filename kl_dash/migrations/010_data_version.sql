-- The data version: one row whose number every write transaction raises first
-- (kl_dash.store.write_transaction). Raising it locks the row until the transaction ends, so
-- writers from every process (replicas on one PostgreSQL) queue one behind the other, and
-- each reads the data as the previous writer left it. The number is also the cache key every
-- replica reads at a rerun. Written, as every migration, in SQL both DuckDB and PostgreSQL run.
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO data_version VALUES (1, 0);
