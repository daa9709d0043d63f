// Web chat identity: the shop signs a member token; we exchange it for a session bound to one conversation.
import { signToken, verifyToken } from '../../lib/crypto.js';

/** The channel id of the built-in web chat (distinct from Azure's "webchat" channel). */
export const WEB_CHANNEL_ID = 'web';
export const SESSION_TTL_SECONDS = 12 * 3600;

export interface MemberTokenPayload {
  /** The shop's member id. */
  sub: string;
  exp: number;
}

export interface SessionPayload {
  typ: 'webchat-session';
  sub: string;
  /** Conversation id within the web channel. */
  cid: string;
  exp: number;
}

/**
 * How a shop signs a member token (server side, with WEBCHAT_SECRET):
 *   payload = base64url(JSON.stringify({ sub: memberId, exp: unixSeconds }))
 *   token   = payload + "." + base64url(HMAC_SHA256(WEBCHAT_SECRET, payload))
 * This function is that recipe, used by tests and by operators (see README).
 */
export function signMemberToken(secret: string, memberId: string, ttlSeconds = 600, nowMs = Date.now()): Promise<string> {
  return signToken(secret, { sub: memberId, exp: Math.floor(nowMs / 1000) + ttlSeconds });
}

export async function verifyMemberToken(secret: string, token: string): Promise<MemberTokenPayload | null> {
  const p = await verifyToken<MemberTokenPayload & { typ?: string }>(secret, token);
  // A session token must not double as a member token (and vice versa).
  return p && typeof p.sub === 'string' && p.typ === undefined ? p : null;
}

export function signSession(secret: string, memberId: string, conversationId: string, nowMs = Date.now()): Promise<string> {
  return signToken(secret, {
    typ: 'webchat-session',
    sub: memberId,
    cid: conversationId,
    exp: Math.floor(nowMs / 1000) + SESSION_TTL_SECONDS,
  });
}

export async function verifySession(secret: string, token: string): Promise<SessionPayload | null> {
  const p = await verifyToken<SessionPayload>(secret, token);
  return p && p.typ === 'webchat-session' && typeof p.sub === 'string' && typeof p.cid === 'string' ? p : null;
}
