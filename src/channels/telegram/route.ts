// POST /api/channels/telegram: Telegram webhook (secret-token header) into the turn pipeline; replies by sendMessage.
import type { RouteDoc } from '../../http/openapi.js';
import { webhookRoute } from '../inbound.js';

export const TELEGRAM_PATH = '/api/channels/telegram';

export const telegramDocs: RouteDoc[] = [
  {
    method: 'post',
    path: TELEGRAM_PATH,
    summary: 'Telegram Bot API webhook (private-chat messages, inline keyboard taps, block/unblock)',
    tag: 'channels',
    security: 'telegramSecret',
    errors: { 401: 'Bad X-Telegram-Bot-Api-Secret-Token', 404: 'Telegram is not configured' },
  },
];

export const telegramRoutes = () => webhookRoute(TELEGRAM_PATH, 'Telegram', (deps) => deps.channels.telegram);
