-- Partnerships whose adding was undone. One transaction deletes a partnership's parts, records
-- it here and marks the upload undone; its programmes row can only be deleted afterwards,
-- because DuckDB checks a foreign key against committed rows. Every reader of the programme
-- list leaves the partnerships named here out, and the programmes row and this record are
-- purged once the parts' deletion is committed (idempotent, also before a partnership is added).
CREATE TABLE removed_programmes (
    programme_id VARCHAR PRIMARY KEY,
    upload_id    INTEGER NOT NULL,
    removed_at   TIMESTAMP NOT NULL
);
