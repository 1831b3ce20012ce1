-- SHA-256 of the last feed body whose items were all stored as they were, together with what
-- shaped them (the source's URL, language and translation mapping, and the pipeline revision:
-- src/ingest/digest.ts). A later 200 with the same digest is handled like a 304: nothing
-- parsed, nothing written but the fetch state. Null: not known, so the next body is read.
ALTER TABLE `sources` ADD `body_digest` text;
