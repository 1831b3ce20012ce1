CREATE TABLE `article_counts` (
	`language` text NOT NULL,
	`source_id` text NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`language`, `source_id`)
);
--> statement-breakpoint
-- Kept exact by the triggers below; filled once here from the articles already stored.
INSERT INTO `article_counts` (`language`, `source_id`, `n`)
  SELECT `language`, `source_id`, count(*) FROM `articles` GROUP BY `language`, `source_id`;
--> statement-breakpoint
CREATE TRIGGER `article_counts_after_insert` AFTER INSERT ON `articles` BEGIN
  INSERT OR IGNORE INTO `article_counts` (`language`, `source_id`, `n`) VALUES (new.`language`, new.`source_id`, 0);
  UPDATE `article_counts` SET `n` = `n` + 1 WHERE `language` = new.`language` AND `source_id` = new.`source_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `article_counts_after_delete` AFTER DELETE ON `articles` BEGIN
  UPDATE `article_counts` SET `n` = `n` - 1 WHERE `language` = old.`language` AND `source_id` = old.`source_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `article_counts_after_update` AFTER UPDATE OF `language`, `source_id` ON `articles`
  WHEN old.`language` IS NOT new.`language` OR old.`source_id` IS NOT new.`source_id` BEGIN
  UPDATE `article_counts` SET `n` = `n` - 1 WHERE `language` = old.`language` AND `source_id` = old.`source_id`;
  INSERT OR IGNORE INTO `article_counts` (`language`, `source_id`, `n`) VALUES (new.`language`, new.`source_id`, 0);
  UPDATE `article_counts` SET `n` = `n` + 1 WHERE `language` = new.`language` AND `source_id` = new.`source_id`;
END;
