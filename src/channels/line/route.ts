// POST /api/channels/line: LINE webhook (X-Line-Signature) into the turn pipeline; replies by reply token.
import type { RouteDoc } from '../../http/openapi.js';
import { webhookRoute } from '../inbound.js';

export const LINE_PATH = '/api/channels/line';

export const lineDocs: RouteDoc[] = [
  {
    method: 'post',
    path: LINE_PATH,
    summary: 'LINE Messaging API webhook (message, postback, follow, unfollow events of one-to-one chats)',
    tag: 'channels',
    security: 'lineSignature',
    errors: { 401: 'Bad X-Line-Signature', 404: 'LINE is not configured' },
  },
];

export const lineRoutes = () => webhookRoute(LINE_PATH, 'LINE', (deps) => deps.channels.line);
