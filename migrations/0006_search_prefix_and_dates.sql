-- The search index is rebuilt once for two changes:
-- - prefix tables for 2- and 3-character prefixes (`prefix='2 3'`), so a typed prefix (at
--   least two characters, src/search/query.ts) reads one list instead of merging every word
--   that starts with it;
-- - date tokens in the `scope` column beside the language and source ones (src/search/scope.ts:
--   `y2026 m202611 d20261127` from `published_at`), so `from`/`to` are matched inside FTS5.
-- FTS5 options are fixed at creation, so the table is copied from its own analyzed text with
-- the scope recomputed from the articles table (the same SQL as scopeSqlOf). Search keeps
-- answering from the old table until the rename at the end of this migration.
CREATE VIRTUAL TABLE `articles_fts_next` USING fts5(
  `title`,
  `body`,
  `scope`,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT f.rowid, f.`title`, f.`body`,
    'l' || lower(hex(a.`language`)) || ' s' || lower(hex(a.`source_id`))
      || ' y' || substr(a.`published_at`, 1, 4) || ' m' || substr(a.`published_at`, 1, 4) || substr(a.`published_at`, 6, 2)
      || ' d' || substr(a.`published_at`, 1, 4) || substr(a.`published_at`, 6, 2) || substr(a.`published_at`, 9, 2)
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
