-- A narrow index keyed by pk holding what search filters and sorts on: a search with few
-- matches checks each one here instead of reading the article row (and its body) from the
-- table. Adds no analyzed text, so the FTS index needs no rebuild.
CREATE INDEX `articles_search_scope_idx` ON `articles` (`pk`,`published_at`,`language`,`source_id`);
