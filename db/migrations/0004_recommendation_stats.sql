CREATE TABLE `rec_category_stats` (
	`category` text PRIMARY KEY NOT NULL,
	`items` integer NOT NULL,
	`weight` real NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rec_member_categories` (
	`member_id` text NOT NULL,
	`category` text NOT NULL,
	`items` integer NOT NULL,
	`weight` real NOT NULL,
	PRIMARY KEY(`member_id`, `category`)
);
--> statement-breakpoint
CREATE TABLE `rec_member_products` (
	`member_id` text NOT NULL,
	`product_id` text NOT NULL,
	`orders` integer NOT NULL,
	`units` integer NOT NULL,
	`weight` real NOT NULL,
	`last_ordered_at` integer NOT NULL,
	PRIMARY KEY(`member_id`, `product_id`)
);
--> statement-breakpoint
CREATE INDEX `rec_member_products_weight_idx` ON `rec_member_products` (`member_id`,`weight`);--> statement-breakpoint
CREATE TABLE `rec_member_profiles` (
	`member_id` text PRIMARY KEY NOT NULL,
	`orders` integer NOT NULL,
	`weight` real NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rec_product_pairs` (
	`product_id` text NOT NULL,
	`other_id` text NOT NULL,
	`orders` integer NOT NULL,
	PRIMARY KEY(`product_id`, `other_id`)
);
--> statement-breakpoint
CREATE INDEX `rec_product_pairs_top_idx` ON `rec_product_pairs` (`product_id`,`orders`);--> statement-breakpoint
CREATE TABLE `rec_product_stats` (
	`product_id` text PRIMARY KEY NOT NULL,
	`category` text DEFAULT '' NOT NULL,
	`orders` integer NOT NULL,
	`buyers` integer NOT NULL,
	`weight` real NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rec_product_stats_weight_idx` ON `rec_product_stats` (`weight`);--> statement-breakpoint
CREATE INDEX `rec_product_stats_category_idx` ON `rec_product_stats` (`category`,`weight`);--> statement-breakpoint
CREATE TABLE `rec_totals` (
	`id` text PRIMARY KEY NOT NULL,
	`orders` integer NOT NULL,
	`weight` real NOT NULL,
	`member_order_pairs` integer DEFAULT 0 NOT NULL,
	`product_orders` integer DEFAULT 0 NOT NULL,
	`product_orders_sq` integer DEFAULT 0 NOT NULL,
	`repeat_pairs` integer DEFAULT 0 NOT NULL
);
