-- What a partnership's definition file says beyond its fields: the seeds' own words, quoted
-- (kind 'quote'), and where kl_dash reads more into a seed than it says, that reading
-- (kind 'interpretation'), e.g. an end date derived from "toårigt". Each note belongs to a
-- topic of the "Om partnerskabet" page and names the seed it comes from; note_no keeps the
-- file's order.
CREATE TABLE programme_notes (
    programme_id VARCHAR NOT NULL REFERENCES programmes (id),
    note_no      INTEGER NOT NULL CHECK (note_no >= 1),
    topic        VARCHAR NOT NULL CHECK (topic IN (
                     'purpose', 'run', 'deadlines', 'price', 'organisation', 'networks',
                     'focus_areas', 'meetings', 'criteria')),
    kind         VARCHAR NOT NULL CHECK (kind IN ('quote', 'interpretation')),
    text         VARCHAR NOT NULL CHECK (length(trim(text)) > 0),
    source       VARCHAR NOT NULL,
    PRIMARY KEY (programme_id, note_no)
);
