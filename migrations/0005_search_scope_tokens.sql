-- The search index gains a `scope` column holding each article's language and source as
-- tokens (src/search/scope.ts), so language and source filters are matched inside FTS5. FTS5
-- tables cannot add a column: the index is rebuilt here from its own analyzed text, which it
-- stores, with the tokens computed from the articles table. Search keeps answering from the
-- old table until the rename at the end of this migration.
CREATE VIRTUAL TABLE `articles_fts_next` USING fts5(
  `title`,
  `body`,
  `scope`,
  tokenize = 'unicode61 remove_diacritics 2'
);
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT f.rowid, f.`title`, f.`body`, 'l' || lower(hex(a.`language`)) || ' s' || lower(hex(a.`source_id`))
  FROM `articles_fts` f JOIN `articles` a ON a.`pk` = f.rowid;
--> statement-breakpoint
DROP TRIGGER `articles_fts_after_delete`;
--> statement-breakpoint
DROP TABLE `articles_fts`;
--> statement-breakpoint
ALTER TABLE `articles_fts_next` RENAME TO `articles_fts`;
--> statement-breakpoint
CREATE TRIGGER `articles_fts_after_delete` AFTER DELETE ON `articles` BEGIN
  DELETE FROM `articles_fts` WHERE rowid = old.`pk`;
END;
