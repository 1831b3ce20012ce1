-- Bodies of older articles move to R2 (src/archive/): `body_ref` says where ("<key> <offset>
-- <length>", a byte range of one pack object); NULL means content_html and content_text are
-- in the row. An update from the feed writes the new body to the row and clears it.
ALTER TABLE `articles` ADD `body_ref` text;
--> statement-breakpoint
-- The archival step reads the oldest rows still holding their body; this index holds only
-- those, so each slice reads about as many rows as it archives and the index shrinks as it works.
CREATE INDEX `articles_unarchived_idx` ON `articles` (`published_at`, `pk`) WHERE `body_ref` IS NULL;
