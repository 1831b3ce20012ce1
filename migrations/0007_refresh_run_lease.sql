-- A refresh run is recorded when it starts and kept alive by its lease (renewed while it
-- works): `lease_until` is how long it counts as running without finishing; past it, the run
-- shows as interrupted. `queued` and `deferred` count the sources it handed to the queue or
-- left for a later run (its budget or a host asking to wait). `warnings` holds a source's
-- recorded warnings (e.g. an item trimmed to fit D1's row limit) as a JSON array.
ALTER TABLE `refresh_runs` ADD `lease_until` text;
--> statement-breakpoint
ALTER TABLE `refresh_runs` ADD `queued` integer;
--> statement-breakpoint
ALTER TABLE `refresh_runs` ADD `deferred` integer;
--> statement-breakpoint
ALTER TABLE `refresh_run_sources` ADD `warnings` text;
