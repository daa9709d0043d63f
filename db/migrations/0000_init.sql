CREATE TABLE `members` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`locale` text DEFAULT 'zh-CN' NOT NULL,
	`time_zone` text DEFAULT 'Asia/Shanghai' NOT NULL,
	`birthday` text,
	`email` text,
	`phone` text,
	`marketing_consent` integer DEFAULT false NOT NULL,
	`marketing_consent_at` integer,
	`tier_code` text DEFAULT 'regular' NOT NULL,
	`tier_since` integer,
	`points_balance` integer DEFAULT 0 NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `members_tier_idx` ON `members` (`tier_code`);--> statement-breakpoint
CREATE TABLE `channel_identities` (
	`channel_id` text NOT NULL,
	`channel_user_id` text NOT NULL,
	`member_id` text NOT NULL,
	`verified_at` integer NOT NULL,
	PRIMARY KEY(`channel_id`, `channel_user_id`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `channel_identities_member_idx` ON `channel_identities` (`member_id`);--> statement-breakpoint
CREATE TABLE `link_codes` (
	`code` text PRIMARY KEY NOT NULL,
	`member_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `tiers` (
	`code` text PRIMARY KEY NOT NULL,
	`rank` integer NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL,
	`threshold_cents` integer NOT NULL,
	`multiplier_pct` integer NOT NULL,
	`benefits_zh` text NOT NULL,
	`benefits_en` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tiers_rank_unique` ON `tiers` (`rank`);--> statement-breakpoint
CREATE TABLE `point_lots` (
	`ledger_id` integer PRIMARY KEY NOT NULL,
	`member_id` text NOT NULL,
	`remaining` integer NOT NULL,
	`earned_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`ledger_id`) REFERENCES `points_ledger`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `point_lots_member_idx` ON `point_lots` (`member_id`,`expires_at`);--> statement-breakpoint
CREATE INDEX `point_lots_expiry_idx` ON `point_lots` (`expires_at`);--> statement-breakpoint
CREATE TABLE `points_ledger` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` text NOT NULL,
	`kind` text NOT NULL,
	`points` integer NOT NULL,
	`source_type` text NOT NULL,
	`source_ref` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`note` text,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `points_ledger_idempotency_key_unique` ON `points_ledger` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `points_ledger_member_idx` ON `points_ledger` (`member_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `points_ledger_source_idx` ON `points_ledger` (`source_type`,`source_ref`);--> statement-breakpoint
CREATE TABLE `coupons` (
	`id` text PRIMARY KEY NOT NULL,
	`name_zh` text NOT NULL,
	`name_en` text NOT NULL,
	`value_cents` integer NOT NULL,
	`min_spend_cents` integer DEFAULT 0 NOT NULL,
	`points_cost` integer,
	`valid_days` integer DEFAULT 30 NOT NULL,
	`active` integer DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE `member_coupons` (
	`id` text PRIMARY KEY NOT NULL,
	`member_id` text NOT NULL,
	`coupon_id` text NOT NULL,
	`status` text DEFAULT 'available' NOT NULL,
	`source` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`issued_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`coupon_id`) REFERENCES `coupons`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `member_coupons_idempotency_key_unique` ON `member_coupons` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `member_coupons_member_idx` ON `member_coupons` (`member_id`,`status`);--> statement-breakpoint
CREATE TABLE `products` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_zh` text,
	`category` text DEFAULT '' NOT NULL,
	`brand` text DEFAULT '' NOT NULL,
	`price_cents` integer NOT NULL,
	`stock` integer DEFAULT 100 NOT NULL,
	`min_tier_code` text
);
--> statement-breakpoint
CREATE INDEX `products_category_idx` ON `products` (`category`);--> statement-breakpoint
CREATE TABLE `order_lines` (
	`order_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`product_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`amount_cents` integer NOT NULL,
	PRIMARY KEY(`order_id`, `line_no`),
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `order_lines_product_idx` ON `order_lines` (`product_id`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`member_id` text NOT NULL,
	`status` text NOT NULL,
	`total_cents` integer NOT NULL,
	`points_earned` integer DEFAULT 0 NOT NULL,
	`carrier` text,
	`tracking_no` text,
	`ordered_at` integer NOT NULL,
	`paid_at` integer,
	`shipped_at` integer,
	`delivered_at` integer,
	`refunded_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `orders_member_idx` ON `orders` (`member_id`,`ordered_at`);--> statement-breakpoint
CREATE INDEX `orders_paid_idx` ON `orders` (`member_id`,`paid_at`);--> statement-breakpoint
CREATE TABLE `conversation_references` (
	`conversation_id` text PRIMARY KEY NOT NULL,
	`channel_id` text NOT NULL,
	`member_id` text,
	`reference` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`channel_id` text NOT NULL,
	`channel_user_id` text NOT NULL,
	`member_id` text,
	`owner` text DEFAULT 'bot' NOT NULL,
	`created_at` integer NOT NULL,
	`last_activity_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `conversations_member_idx` ON `conversations` (`member_id`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conversation_id` text NOT NULL,
	`direction` text NOT NULL,
	`activity_id` text,
	`text` text NOT NULL,
	`intent` text,
	`author` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `messages_conversation_idx` ON `messages` (`conversation_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `feedback` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` text NOT NULL,
	`conversation_id` text,
	`kind` text NOT NULL,
	`score` integer,
	`text` text,
	`sentiment` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `feedback_member_idx` ON `feedback` (`member_id`,`created_at`);