-- Items use stored files (issue 18): every version lists the files it uses
-- in content->'media' (hex hashes). Who may read an unpublished file is who
-- may read an item using it; this index answers "which items use it".
CREATE INDEX item_versions_media ON item_versions USING gin ((content->'media'));
