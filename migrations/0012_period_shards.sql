-- Period databases (docs/CAPACITY.md, "Past one database"): articles older than the live window
-- move to one D1 database per publication period. The registry lives in the live database; a
-- period database gets these tables from the same migrations and leaves them empty.
-- `starts_at` is inclusive and `ends_at` exclusive (ISO 8601 UTC, compared as text, like
-- `published_at`); periods do not overlap. `binding` names the D1 binding in wrangler.toml.
-- `version` goes up on every write into the period's database after its move (an old-dated
-- item a feed still carries): what is cached per period (its counts) keys on it.
CREATE TABLE `shards` (
	`period` text PRIMARY KEY NOT NULL,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`binding` text NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	CHECK (`starts_at` < `ends_at`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shards_binding_unique` ON `shards` (`binding`);
--> statement-breakpoint
-- The move boundary: every article whose (published_at, pk) sorts before it lives in its
-- period's database; the live database holds the rest. It advances in the same transaction as
-- the live deletes of the rows it passes, so a reader that reads it in the same batch as its
-- live statement sees each article exactly once. No row: nothing has moved.
CREATE TABLE `shard_boundary` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`published_at` text NOT NULL,
	`pk` integer NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
-- A move's live batch inserts how many of its rows changed since they were copied: any but 0
-- fails the CHECK and rolls the whole batch back (nothing deleted, the boundary unmoved).
CREATE TABLE `move_guard` (
	`changed` integer NOT NULL CHECK (`changed` = 0)
);
