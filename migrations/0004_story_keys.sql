-- A source's declared translation mapping: sources that publish translations of each other
-- share a story scope, and the story key pattern (a URLPattern pathname pattern) reads the
-- story's key off each item link. Both set or both null; existing sources have none.
ALTER TABLE `sources` ADD `story_scope` text;--> statement-breakpoint
ALTER TABLE `sources` ADD `story_key` text;
