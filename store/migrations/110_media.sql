-- Media (issue 18): pictures, attachments and videos, stored once by the
-- SHA-256 of their cleaned bytes, in 256 KiB chunks so every worker on any
-- machine reads the same bytes. What units know of them (uploader, alt
-- text, published) is kept apart from the bytes, so the bytes can move to
-- an S3-compatible bucket while these rows stay.
CREATE TABLE media_blobs (
    hash       bytea PRIMARY KEY CHECK (length(hash) = 32),
    type       text NOT NULL CHECK (type IN ('jpeg','png','gif','webp','pdf','docx','xlsx','csv','txt','mp4')),
    size       bigint NOT NULL CHECK (size >= 0),
    width      int NOT NULL DEFAULT 0,
    height     int NOT NULL DEFAULT 0,
    chunks     int NOT NULL CHECK (chunks >= 0),
    created_at timestamptz NOT NULL
);

-- A blob's row and its chunks are written in one transaction: a reader
-- never sees half a file.
CREATE TABLE media_chunks (
    hash bytea NOT NULL REFERENCES media_blobs(hash) ON DELETE CASCADE,
    n    int NOT NULL CHECK (n >= 0),
    data bytea NOT NULL,
    PRIMARY KEY (hash, n)
);
-- JPEG, PNG, zip-based documents and MP4 are compressed already: storing
-- the chunks out of line uncompressed saves PostgreSQL the vain attempt.
ALTER TABLE media_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- A unit's upload of a blob. The same bytes uploaded by two units are two
-- objects; a unit sees only its own.
CREATE TABLE media_objects (
    id           bigserial PRIMARY KEY,
    unit_id      bigint NOT NULL REFERENCES units(id),
    hash         bytea NOT NULL REFERENCES media_blobs(hash),
    uploaded_by  bigint REFERENCES users(id),
    name         text NOT NULL DEFAULT '',
    alt          text NOT NULL DEFAULT '',
    caption      text NOT NULL DEFAULT '',
    published    boolean NOT NULL DEFAULT false,
    derived_from bytea REFERENCES media_blobs(hash),
    created_at   timestamptz NOT NULL,
    UNIQUE (unit_id, hash)
);
CREATE INDEX media_objects_hash ON media_objects (hash);

-- The copy of a picture fitted to a platform, made once.
CREATE TABLE media_variants (
    source     bytea NOT NULL REFERENCES media_blobs(hash),
    platform   text NOT NULL,
    variant    bytea NOT NULL REFERENCES media_blobs(hash),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (source, platform)
);
