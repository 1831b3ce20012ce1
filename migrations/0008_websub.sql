-- WebSub (push) subscriptions, subscriber side. One row per source whose feed declares a hub.
-- `id` is the opaque, random last segment of the callback URL (`/websub/{id}`): a new
-- subscription (new hub or topic) gets a new id and a new `secret`, so deliveries meant for an
-- old one are refused. `state`: pending (asked, not yet verified), active (verified, lease until
-- `lease_expires_at`), denied (the hub said no), failed (the hub could not be asked or never
-- verified), expired (the lease ran out before a renewal was verified). `retry_at`: when a
-- denied or failed subscription may be asked for again.
CREATE TABLE `websub_subscriptions` (
  `id` text PRIMARY KEY NOT NULL,
  `source_id` text NOT NULL,
  `hub` text NOT NULL,
  `topic` text NOT NULL,
  `secret` text NOT NULL,
  `state` text NOT NULL,
  `lease_seconds` integer NOT NULL,
  `requested_at` text NOT NULL,
  `verified_at` text,
  `lease_expires_at` text,
  `retry_at` text,
  `last_error` text,
  `last_push_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `websub_subscriptions_source_unique` ON `websub_subscriptions` (`source_id`);
--> statement-breakpoint
CREATE INDEX `websub_subscriptions_lease_idx` ON `websub_subscriptions` (`state`, `lease_expires_at`);
--> statement-breakpoint
-- Until when the source's hub pushes its stories (the active lease's end, copied here so the
-- refresh reads it with the source and stretches its poll interval at no extra query).
ALTER TABLE `sources` ADD `push_until` text;
--> statement-breakpoint
-- Digests of recent content deliveries, so a replayed body is recognized and costs nothing.
CREATE TABLE `websub_deliveries` (
  `subscription_id` text NOT NULL,
  `digest` text NOT NULL,
  `received_at` text NOT NULL,
  PRIMARY KEY (`subscription_id`, `digest`)
);
--> statement-breakpoint
CREATE INDEX `websub_deliveries_received_idx` ON `websub_deliveries` (`received_at`);
