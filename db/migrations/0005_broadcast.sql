CREATE TABLE `campaign_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` text NOT NULL,
	`member_id` text NOT NULL,
	`variant` text NOT NULL,
	`status` text DEFAULT 'planned' NOT NULL,
	`skip_reason` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`claim_token` text,
	`claimed_until` integer,
	`planned_at` integer NOT NULL,
	`sent_at` integer,
	`channel_id` text,
	`conversation_id` text,
	`error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `campaign_deliveries_member_uq` ON `campaign_deliveries` (`campaign_id`,`member_id`);--> statement-breakpoint
CREATE INDEX `campaign_deliveries_due_idx` ON `campaign_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `campaign_deliveries_sent_idx` ON `campaign_deliveries` (`member_id`,`sent_at`) WHERE sent_at is not null;--> statement-breakpoint
CREATE TABLE `campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`segment_id` text,
	`segment` text NOT NULL,
	`variants` text NOT NULL,
	`holdout_pct` integer DEFAULT 0 NOT NULL,
	`schedule_at` integer,
	`cost_per_message_cents` integer DEFAULT 0 NOT NULL,
	`attribution_days` integer DEFAULT 7 NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`launched_at` integer,
	`planned_at` integer,
	`planned_through` text,
	`planned_count` integer DEFAULT 0 NOT NULL,
	`completed_at` integer
);
--> statement-breakpoint
CREATE INDEX `campaigns_status_idx` ON `campaigns` (`status`);--> statement-breakpoint
CREATE TABLE `member_analytics` (
	`member_id` text PRIMARY KEY NOT NULL,
	`recency_days` integer,
	`last_order_at` integer,
	`frequency` integer DEFAULT 0 NOT NULL,
	`monetary_cents` integer DEFAULT 0 NOT NULL,
	`r_score` integer DEFAULT 0 NOT NULL,
	`f_score` integer DEFAULT 0 NOT NULL,
	`m_score` integer DEFAULT 0 NOT NULL,
	`rfm_segment` text DEFAULT 'none' NOT NULL,
	`lifecycle` text DEFAULT 'new' NOT NULL,
	`clv_cents` integer DEFAULT 0 NOT NULL,
	`computed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `member_analytics_rfm_idx` ON `member_analytics` (`rfm_segment`);--> statement-breakpoint
CREATE INDEX `member_analytics_lifecycle_idx` ON `member_analytics` (`lifecycle`);--> statement-breakpoint
CREATE INDEX `member_analytics_last_order_idx` ON `member_analytics` (`last_order_at`);--> statement-breakpoint
CREATE INDEX `member_analytics_monetary_idx` ON `member_analytics` (`monetary_cents`);--> statement-breakpoint
CREATE TABLE `segments` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`definition` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `conversation_references_member_idx` ON `conversation_references` (`member_id`,`channel_id`);