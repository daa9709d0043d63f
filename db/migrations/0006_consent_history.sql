CREATE TABLE `consent_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` text NOT NULL,
	`granted` integer NOT NULL,
	`source` text NOT NULL,
	`channel_id` text,
	`actor` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `consent_history_member_idx` ON `consent_history` (`member_id`,`created_at`);