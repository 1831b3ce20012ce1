-- Full-text index over articles: derived data, rebuildable from the articles table.
-- Rows hold the *analyzed* text (case/diacritic folding, Arabic normalisation, CJK
-- segmentation are done in the Worker, see src/search/analyze.ts), so they are written by the
-- application in the same D1 batch as the article; rowid = articles.pk.
CREATE VIRTUAL TABLE `articles_fts` USING fts5(
  `title`,
  `body`,
  tokenize = 'unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `articles_fts_after_delete` AFTER DELETE ON `articles` BEGIN
  DELETE FROM `articles_fts` WHERE rowid = old.`pk`;
END;
