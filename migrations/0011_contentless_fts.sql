-- The search index stops storing a copy of the analyzed text (`content=''`): search only needs
-- MATCH, bm25() and the rowid from it (highlights are made from the article row), and the copy
-- was about half of the index (docs/CAPACITY.md). `contentless_delete=1` keeps DELETE working,
-- so every writer (src/db/fts.ts, src/db/reindex.ts, the re-sanitize) and the delete trigger
-- stay as they are. Columns, tokenizer, prefix tables and bm25 weights do not change.
-- The copy below reads the old table's stored text and scope, so no analysis is redone in SQL;
-- it is the last copy that can be made this way: a contentless table returns NULL for its
-- columns, and a later rebuild goes through POST /api/v1/admin/reindex. Search keeps answering
-- from the old table until the rename at the end of this migration.
-- The copy is 32 statements, each a 32nd of the pk range (rowid = articles.pk), because D1 stops
-- a statement after 30 s: one statement took 62 s at 100k articles in local D1, a 32nd of it
-- about 2 s (bench/capacity-migration.mjs; README, "Migrations" has the fallback).
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
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid <= 1 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 1 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 2 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 2 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 3 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 3 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 4 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 4 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 5 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 5 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 6 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 6 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 7 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 7 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 8 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 8 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 9 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 9 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 10 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 10 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 11 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 11 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 12 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 12 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 13 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 13 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 14 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 14 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 15 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 15 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 16 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 16 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 17 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 17 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 18 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 18 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 19 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 19 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 20 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 20 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 21 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 21 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 22 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 22 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 23 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 23 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 24 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 24 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 25 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 25 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 26 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 26 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 27 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 27 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 28 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 28 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 29 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 29 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 30 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 30 * (SELECT max(`pk`) FROM `articles`) / 32 AND rowid <= 31 * (SELECT max(`pk`) FROM `articles`) / 32;
--> statement-breakpoint
INSERT INTO `articles_fts_next` (rowid, `title`, `body`, `scope`)
  SELECT rowid, `title`, `body`, `scope` FROM `articles_fts` WHERE rowid > 31 * (SELECT max(`pk`) FROM `articles`) / 32;
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
