CREATE TABLE `surveys` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`member_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`handoff_id` text,
	`agent_id` text,
	`source` text NOT NULL,
	`idempotency_key` text,
	`sent_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`answered_at` integer,
	`score` integer,
	`comment_until` integer
);
--> statement-breakpoint
CREATE INDEX `surveys_conversation_idx` ON `surveys` (`conversation_id`,`sent_at`);--> statement-breakpoint
CREATE INDEX `surveys_member_idx` ON `surveys` (`member_id`,`sent_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `surveys_handoff_idx` ON `surveys` (`handoff_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `surveys_idempotency_idx` ON `surveys` (`idempotency_key`);--> statement-breakpoint
CREATE TABLE `canned_replies` (
	`id` text PRIMARY KEY NOT NULL,
	`locale` text NOT NULL,
	`title` text NOT NULL,
	`text` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `canned_replies_locale_idx` ON `canned_replies` (`locale`,`title`);--> statement-breakpoint
CREATE TABLE `handoff_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`handoff_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`kind` text NOT NULL,
	`staff_id` text,
	`text` text NOT NULL,
	`suggestions` text,
	`client_message_id` text,
	`message_id` integer,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`retryable` integer DEFAULT true NOT NULL,
	`last_error` text,
	`http_status` integer,
	`next_attempt_at` integer,
	`sent_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `handoff_deliveries_client_idx` ON `handoff_deliveries` (`handoff_id`,`client_message_id`);--> statement-breakpoint
CREATE INDEX `handoff_deliveries_handoff_idx` ON `handoff_deliveries` (`handoff_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `handoff_deliveries_due_idx` ON `handoff_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `handoff_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`handoff_id` text NOT NULL,
	`type` text NOT NULL,
	`data` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `handoff_events_created_idx` ON `handoff_events` (`created_at`);--> statement-breakpoint
CREATE TABLE `handoff_notes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`handoff_id` text NOT NULL,
	`staff_id` text NOT NULL,
	`text` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`handoff_id`) REFERENCES `handoffs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `handoff_notes_handoff_idx` ON `handoff_notes` (`handoff_id`,`id`);--> statement-breakpoint
CREATE TABLE `handoffs` (
	`id` text PRIMARY KEY NOT NULL,
	`member_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`locale` text NOT NULL,
	`status` text NOT NULL,
	`mode` text NOT NULL,
	`reason` text NOT NULL,
	`feedback_id` integer,
	`agent_id` text,
	`requested_at` integer NOT NULL,
	`claimed_at` integer,
	`resolved_at` integer,
	`cancelled_at` integer,
	`timed_out_at` integer,
	`reply_by` integer,
	`last_member_message_at` integer,
	`resolution_note` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `handoffs_open_member_idx` ON `handoffs` (`member_id`) WHERE status in ('pending', 'assigned');--> statement-breakpoint
CREATE INDEX `handoffs_status_idx` ON `handoffs` (`status`,`requested_at`);--> statement-breakpoint
CREATE INDEX `handoffs_conversation_idx` ON `handoffs` (`conversation_id`,`requested_at`);--> statement-breakpoint
CREATE INDEX `handoffs_agent_idx` ON `handoffs` (`agent_id`,`claimed_at`);--> statement-breakpoint
CREATE INDEX `handoffs_requested_idx` ON `handoffs` (`requested_at`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text
);
--> statement-breakpoint
CREATE TABLE `webchat_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conversation_id` text NOT NULL,
	`author` text NOT NULL,
	`author_name` text,
	`text` text NOT NULL,
	`suggestions` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webchat_outbox_conversation_idx` ON `webchat_outbox` (`conversation_id`,`id`);--> statement-breakpoint
CREATE INDEX `webchat_outbox_created_idx` ON `webchat_outbox` (`created_at`);--> statement-breakpoint
ALTER TABLE `feedback` ADD `category` text;--> statement-breakpoint
ALTER TABLE `feedback` ADD `survey_id` text;--> statement-breakpoint
ALTER TABLE `feedback` ADD `handoff_id` text;--> statement-breakpoint
ALTER TABLE `feedback` ADD `agent_id` text;--> statement-breakpoint
ALTER TABLE `feedback` ADD `updated_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `feedback_survey_idx` ON `feedback` (`survey_id`);--> statement-breakpoint
CREATE INDEX `feedback_kind_idx` ON `feedback` (`kind`,`created_at`);--> statement-breakpoint
CREATE INDEX `feedback_agent_idx` ON `feedback` (`agent_id`,`created_at`);