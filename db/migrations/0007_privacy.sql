ALTER TABLE `members` ADD `erased_at` integer;--> statement-breakpoint
CREATE INDEX `messages_created_idx` ON `messages` (`created_at`);