CREATE TABLE `llm_turns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conversation_id` text NOT NULL,
	`member_id` text NOT NULL,
	`model` text NOT NULL,
	`tokens_in` integer DEFAULT 0 NOT NULL,
	`tokens_out` integer DEFAULT 0 NOT NULL,
	`latency_ms` integer NOT NULL,
	`tool_calls` text NOT NULL,
	`fallback` text NOT NULL,
	`grounding` text NOT NULL,
	`ungrounded` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `llm_turns_created_idx` ON `llm_turns` (`created_at`);