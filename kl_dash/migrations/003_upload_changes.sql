-- What each stored upload changed, row by row, so that it can be undone exactly:
-- the row's key, and the row as it was before (NULL when the upload added it).
CREATE TABLE upload_changes (
    upload_id  INTEGER NOT NULL REFERENCES uploads (id),
    row_number INTEGER NOT NULL,
    table_name VARCHAR NOT NULL,
    row_key    JSON NOT NULL,
    before     JSON,
    PRIMARY KEY (upload_id, row_number)
);
