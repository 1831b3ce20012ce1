-- The search index stops storing a copy of the analyzed text (`content=''`): search only needs
-- MATCH, bm25() and the rowid from it (highlights are made from the article row), and the copy
-- was about half of the index (docs/CAPACITY.md). `contentless_delete=1` keeps DELETE working,
-- so every writer (src/db/fts.ts, src/db/reindex.ts, the re-sanitize) and the delete trigger
-- stay as they are. Columns, tokenizer, prefix tables and bm25 weights do not change.
-- The copy below reads the old table's stored text and scope, so no analysis is redone in SQL;
-- it is the last copy that can be made this way: a contentless table returns NULL for its
-- columns, and a later rebuild goes through POST /api/v1/admin/reindex. Search keeps answering
-- from the old table until the rename at the end of this migration.
CREATE VIRTUAL TABLE `articles_fts_next` USING fts5(
  `title`,
  `body`,
  `scope`,
  content = '',
  contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts`;
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
