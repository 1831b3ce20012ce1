CREATE TABLE `app_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`expires_at` text
);
--> statement-breakpoint
CREATE TABLE `articles` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`source_id` text NOT NULL,
	`guid` text,
	`dedupe_key` text NOT NULL,
	`url` text,
	`title` text NOT NULL,
	`slug` text NOT NULL,
	`summary` text DEFAULT '' NOT NULL,
	`content_html` text DEFAULT '' NOT NULL,
	`content_text` text DEFAULT '' NOT NULL,
	`image` text,
	`author` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`language` text NOT NULL,
	`published_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`fetched_at` text NOT NULL,
	`first_seen_at` text NOT NULL,
	`content_hash` text NOT NULL,
	`story_group` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `articles_id_unique` ON `articles` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `articles_source_dedupe_unique` ON `articles` (`source_id`,`dedupe_key`);--> statement-breakpoint
CREATE INDEX `articles_published_idx` ON `articles` (`published_at`,`pk`);--> statement-breakpoint
CREATE INDEX `articles_language_published_idx` ON `articles` (`language`,`published_at`,`pk`);--> statement-breakpoint
CREATE INDEX `articles_source_published_idx` ON `articles` (`source_id`,`published_at`,`pk`);--> statement-breakpoint
CREATE INDEX `articles_story_group_idx` ON `articles` (`story_group`);--> statement-breakpoint
CREATE TABLE `refresh_run_sources` (
	`run_id` text NOT NULL,
	`source_id` text NOT NULL,
	`status` text NOT NULL,
	`http_status` integer,
	`new_count` integer DEFAULT 0 NOT NULL,
	`updated_count` integer DEFAULT 0 NOT NULL,
	`unchanged_count` integer DEFAULT 0 NOT NULL,
	`error_code` text,
	`error_message` text,
	`duration_ms` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `refresh_run_sources_pk` ON `refresh_run_sources` (`run_id`,`source_id`);--> statement-breakpoint
CREATE TABLE `refresh_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`trigger` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text
);
--> statement-breakpoint
CREATE INDEX `refresh_runs_started_idx` ON `refresh_runs` (`started_at`);--> statement-breakpoint
CREATE TABLE `sources` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`url` text NOT NULL,
	`homepage` text,
	`language` text,
	`enabled` integer DEFAULT true NOT NULL,
	`etag` text,
	`last_modified` text,
	`last_fetched_at` text,
	`last_status` text,
	`last_http_status` integer,
	`last_error` text,
	`consecutive_errors` integer DEFAULT 0 NOT NULL,
	`next_fetch_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')) NOT NULL
);
