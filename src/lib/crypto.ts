// WebCrypto helpers (same code on Node and Workers): HMAC-SHA256 and compact signed tokens.

const enc = new TextEncoder();

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

export function toHex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> | null {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(s: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[\w-]*$/.test(s)) return null;
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
    return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Hex HMAC-SHA256 of `message`. */
export async function hmacHex(secret: string, message: string): Promise<string> {
  return toHex(await crypto.subtle.sign('HMAC', await hmacKey(secret), enc.encode(message)));
}

/** Verifies a hex HMAC in constant time (crypto.subtle.verify compares internally). */
export async function verifyHmacHex(secret: string, message: string, signatureHex: string): Promise<boolean> {
  const sig = fromHex(signatureHex);
  if (!sig) return false;
  return crypto.subtle.verify('HMAC', await hmacKey(secret), sig, enc.encode(message));
}

/**
 * A compact signed token: base64url(JSON payload) + "." + base64url(HMAC-SHA256(secret, first part)).
 * `exp` is unix seconds. Used for the shop's member tokens and our own web chat sessions.
 */
export async function signToken(secret: string, payload: Record<string, unknown> & { exp: number }): Promise<string> {
  const body = base64url(enc.encode(JSON.stringify(payload)));
  const sig = await crypto.subtle.sign('HMAC', await hmacKey(secret), enc.encode(body));
  return `${body}.${base64url(new Uint8Array(sig))}`;
}

/** Returns the payload of a valid, unexpired token, or null. */
export async function verifyToken<T extends { exp: number }>(secret: string, token: string, nowMs = Date.now()): Promise<T | null> {
  const [body, sigPart, extra] = token.split('.');
  if (!body || !sigPart || extra !== undefined || token.length > 4096) return null;
  const sig = fromBase64url(sigPart);
  if (!sig) return null;
  if (!(await crypto.subtle.verify('HMAC', await hmacKey(secret), sig, enc.encode(body)))) return null;
  const raw = fromBase64url(body);
  if (!raw) return null;
  try {
    const payload = JSON.parse(new TextDecoder().decode(raw)) as T;
    if (typeof payload.exp !== 'number' || payload.exp * 1000 <= nowMs) return null;
    return payload;
  } catch {
    return null;
  }
}

/** A random secret for development defaults (printed once at start, never committed). */
export function randomSecret(bytes = 24): string {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  return base64url(b);
}
