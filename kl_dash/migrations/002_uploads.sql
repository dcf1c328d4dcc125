-- The upload log: every stored upload, with what is needed to undo it.
CREATE SEQUENCE uploads_id_seq START 1;

CREATE TABLE uploads (
    id             INTEGER PRIMARY KEY DEFAULT nextval('uploads_id_seq'),
    uploaded_at    TIMESTAMP NOT NULL,
    uploaded_by    VARCHAR NOT NULL CHECK (length(trim(uploaded_by)) > 0),
    file_name      VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL CHECK (sha256 ~ '^(?:[0-9a-f]{64})$'),
    kind           VARCHAR NOT NULL CHECK (kind IN (
                       'tilmeldinger', 'deltagere', 'moeder', 'fremmoede',
                       'kriteriestatus', 'partnerskab')),
    programme_id   VARCHAR,
    rows_new       INTEGER NOT NULL CHECK (rows_new >= 0),
    rows_changed   INTEGER NOT NULL CHECK (rows_changed >= 0),
    rows_unchanged INTEGER NOT NULL CHECK (rows_unchanged >= 0),
    undo_data      VARCHAR NOT NULL,
    undone_at      TIMESTAMP,
    undone_by      VARCHAR,
    CHECK ((undone_at IS NULL) = (undone_by IS NULL))
);
