-- Core data model: municipalities, programmes and what a programme is made of,
-- enrollments, participants, meetings, attendance, success criteria and assessments.
-- Every row carries `source`: the seed file a reference fact came from, 'eksempeldata'
-- for generated example rows, or 'upload:<id>' for rows stored by an upload.

CREATE TABLE municipalities (
    code      VARCHAR PRIMARY KEY CHECK (code ~ '^(?:[0-9]{3})$'),
    name      VARCHAR NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    region    VARCHAR NOT NULL
              CHECK (region IN ('Hovedstaden', 'Sjælland', 'Syddanmark', 'Midtjylland', 'Nordjylland')),
    latitude  DOUBLE PRECISION NOT NULL CHECK (latitude BETWEEN 54.5 AND 57.8),
    longitude DOUBLE PRECISION NOT NULL CHECK (longitude BETWEEN 8.0 AND 15.2)
);

CREATE TABLE municipality_aliases (
    alias VARCHAR PRIMARY KEY CHECK (length(trim(alias)) > 0),
    code  VARCHAR NOT NULL REFERENCES municipalities (code)
);

CREATE TABLE programmes (
    id                 VARCHAR PRIMARY KEY CHECK (id ~ '^(?:[a-z0-9]+(-[a-z0-9]+)*)$'),
    name               VARCHAR NOT NULL CHECK (length(trim(name)) > 0),
    short_name         VARCHAR NOT NULL CHECK (length(trim(short_name)) > 0),
    case_id            VARCHAR NOT NULL UNIQUE CHECK (length(trim(case_id)) > 0),
    purpose            VARCHAR,
    invitation_date    DATE NOT NULL,
    interest_deadline  DATE,
    agreement_deadline DATE,
    requires_agreement BOOLEAN NOT NULL,
    kickoff_date       DATE,
    run_text           VARCHAR NOT NULL,
    start_date         DATE NOT NULL,
    end_date           DATE NOT NULL,
    price_dkk          INTEGER NOT NULL CHECK (price_dkk >= 0),
    price_per_year_dkk INTEGER CHECK (price_per_year_dkk >= 0),
    price_text         VARCHAR NOT NULL,
    focus_selection    VARCHAR NOT NULL CHECK (focus_selection IN ('fixed', 'chosen')),
    networks_note      VARCHAR,
    sources            VARCHAR NOT NULL,
    CHECK (end_date > start_date),
    CHECK (interest_deadline IS NULL OR interest_deadline >= invitation_date),
    CHECK (agreement_deadline IS NULL OR interest_deadline IS NULL
           OR agreement_deadline >= interest_deadline),
    CHECK (requires_agreement OR agreement_deadline IS NULL)
);

-- Groups and tracks of a programme (styregruppe, udviklingsgruppe, spor, netværksgruppe),
-- each with the number of people a municipality sends.
CREATE TABLE programme_groups (
    programme_id     VARCHAR NOT NULL REFERENCES programmes (id),
    group_id         VARCHAR NOT NULL CHECK (group_id ~ '^(?:[a-z0-9]+(-[a-z0-9]+)*)$'),
    name             VARCHAR NOT NULL CHECK (length(trim(name)) > 0),
    kind             VARCHAR NOT NULL CHECK (kind IN ('political', 'management', 'track', 'network')),
    min_participants INTEGER NOT NULL CHECK (min_participants >= 0),
    max_participants INTEGER NOT NULL CHECK (max_participants >= 1),
    sort_order       INTEGER NOT NULL,
    description      VARCHAR,
    source           VARCHAR NOT NULL,
    PRIMARY KEY (programme_id, group_id),
    CHECK (max_participants >= min_participants)
);

CREATE TABLE networks (
    programme_id VARCHAR NOT NULL REFERENCES programmes (id),
    network_id   VARCHAR NOT NULL CHECK (network_id ~ '^(?:[a-z0-9]+(-[a-z0-9]+)*)$'),
    name         VARCHAR NOT NULL CHECK (length(trim(name)) > 0),
    source       VARCHAR NOT NULL,
    PRIMARY KEY (programme_id, network_id)
);

CREATE TABLE focus_areas (
    programme_id VARCHAR NOT NULL REFERENCES programmes (id),
    focus_id     VARCHAR NOT NULL CHECK (focus_id ~ '^(?:[a-z0-9]+(-[a-z0-9]+)*)$'),
    name         VARCHAR NOT NULL CHECK (length(trim(name)) > 0),
    sort_order   INTEGER NOT NULL,
    source       VARCHAR NOT NULL,
    PRIMARY KEY (programme_id, focus_id)
);

-- One municipality's way into a programme: interest -> political agreement -> participating,
-- or withdrawn. The status is derived from the dates (view enrollment_status).
CREATE TABLE enrollments (
    programme_id      VARCHAR NOT NULL REFERENCES programmes (id),
    municipality_code VARCHAR NOT NULL REFERENCES municipalities (code),
    interest_on       DATE NOT NULL,
    agreement_on      DATE,
    withdrawn_on      DATE,
    network_id        VARCHAR,
    source            VARCHAR NOT NULL,
    PRIMARY KEY (programme_id, municipality_code),
    -- network_id names a row of networks; checked by the importer, not by a foreign key,
    -- because DuckDB cannot update an indexed column of a row that other tables reference
    -- (attendance, participants, criterion_status reference enrollments).
    CHECK (agreement_on IS NULL OR agreement_on >= interest_on),
    CHECK (withdrawn_on IS NULL OR withdrawn_on >= interest_on)
);

CREATE TABLE enrollment_focus_areas (
    programme_id      VARCHAR NOT NULL,
    municipality_code VARCHAR NOT NULL,
    focus_id          VARCHAR NOT NULL,
    source            VARCHAR NOT NULL,
    PRIMARY KEY (programme_id, municipality_code, focus_id),
    FOREIGN KEY (programme_id, municipality_code)
        REFERENCES enrollments (programme_id, municipality_code),
    FOREIGN KEY (programme_id, focus_id) REFERENCES focus_areas (programme_id, focus_id)
);

-- People a municipality has signed up per group or track (counted, never named).
CREATE TABLE participants (
    programme_id      VARCHAR NOT NULL,
    municipality_code VARCHAR NOT NULL,
    group_id          VARCHAR NOT NULL,
    participants      INTEGER NOT NULL CHECK (participants >= 0),
    source            VARCHAR NOT NULL,
    PRIMARY KEY (programme_id, municipality_code, group_id),
    FOREIGN KEY (programme_id, municipality_code)
        REFERENCES enrollments (programme_id, municipality_code),
    FOREIGN KEY (programme_id, group_id) REFERENCES programme_groups (programme_id, group_id)
);

-- The meeting plan. A meeting is planned for a date or a period, kept as written
-- (planned_text, e.g. 'primo 2018') and as a date range; held_on is set once it is held.
-- group_id NULL means the meeting is for every group of the programme.
CREATE TABLE meetings (
    programme_id VARCHAR NOT NULL REFERENCES programmes (id),
    meeting_id   VARCHAR NOT NULL CHECK (meeting_id ~ '^(?:[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*)$'),
    title        VARCHAR NOT NULL CHECK (length(trim(title)) > 0),
    meeting_type VARCHAR NOT NULL CHECK (meeting_type IN (
                     'conference', 'seminar', 'workshop', 'theme_day',
                     'partnership_meeting', 'municipality_visit')),
    group_id     VARCHAR,
    planned_text VARCHAR,
    planned_from DATE,
    planned_to   DATE,
    held_on      DATE,
    form         VARCHAR CHECK (form IN ('physical', 'virtual')),
    host_code    VARCHAR,
    sort_order   INTEGER NOT NULL,
    source       VARCHAR NOT NULL,
    held_source  VARCHAR,
    PRIMARY KEY (programme_id, meeting_id),
    -- group_id and host_code are checked by the programme parser and the importer rather
    -- than by foreign keys: DuckDB cannot update an indexed column of a referenced row, and
    -- attendance references meetings.
    CHECK ((planned_text IS NULL) = (planned_from IS NULL)),
    CHECK ((planned_from IS NULL) = (planned_to IS NULL)),
    CHECK (planned_to >= planned_from),
    CHECK ((held_on IS NULL) = (held_source IS NULL))
);

-- How many people a municipality sent to a held meeting (0 = registered absent).
CREATE TABLE attendance (
    programme_id      VARCHAR NOT NULL,
    meeting_id        VARCHAR NOT NULL,
    municipality_code VARCHAR NOT NULL,
    attendees         INTEGER NOT NULL CHECK (attendees >= 0),
    source            VARCHAR NOT NULL,
    PRIMARY KEY (programme_id, meeting_id, municipality_code),
    FOREIGN KEY (programme_id, meeting_id) REFERENCES meetings (programme_id, meeting_id),
    FOREIGN KEY (programme_id, municipality_code)
        REFERENCES enrollments (programme_id, municipality_code)
);

-- Success criteria: fixed in the invitation, or agreed later by the participants.
CREATE TABLE success_criteria (
    programme_id VARCHAR NOT NULL REFERENCES programmes (id),
    criterion_no INTEGER NOT NULL CHECK (criterion_no >= 1),
    text         VARCHAR NOT NULL CHECK (length(trim(text)) > 0),
    origin       VARCHAR NOT NULL CHECK (origin IN ('invitation', 'agreed')),
    agreed_on    DATE,
    source       VARCHAR NOT NULL,
    PRIMARY KEY (programme_id, criterion_no),
    CHECK ((origin = 'agreed') = (agreed_on IS NOT NULL))
);

-- One assessment of one criterion for one municipality at one date.
CREATE TABLE criterion_status (
    programme_id      VARCHAR NOT NULL,
    criterion_no      INTEGER NOT NULL,
    municipality_code VARCHAR NOT NULL,
    assessed_on       DATE NOT NULL,
    status            VARCHAR NOT NULL CHECK (status IN ('not_started', 'in_progress', 'achieved')),
    note              VARCHAR,
    source            VARCHAR NOT NULL,
    PRIMARY KEY (programme_id, criterion_no, municipality_code, assessed_on),
    FOREIGN KEY (programme_id, criterion_no)
        REFERENCES success_criteria (programme_id, criterion_no),
    FOREIGN KEY (programme_id, municipality_code)
        REFERENCES enrollments (programme_id, municipality_code)
);

-- Facts about the data set as a whole, e.g. whether it holds example data.
CREATE TABLE dataset_info (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- The enrollment status as the domain defines it, derived from the dates.
CREATE VIEW enrollment_status AS
WITH joined AS (
    SELECT e.*, p.requires_agreement
    FROM enrollments AS e
    JOIN programmes AS p ON p.id = e.programme_id
)
SELECT
    programme_id,
    municipality_code,
    interest_on,
    agreement_on,
    withdrawn_on,
    network_id,
    CASE
        WHEN withdrawn_on IS NOT NULL THEN 'withdrawn'
        WHEN agreement_on IS NOT NULL OR NOT requires_agreement THEN 'participating'
        ELSE 'awaiting_agreement'
    END AS status
FROM joined;
