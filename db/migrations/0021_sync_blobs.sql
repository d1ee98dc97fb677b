CREATE TABLE `sync_blobs` (
	`sha256` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`state` text NOT NULL,
	`message` text,
	`at` integer NOT NULL
);
