// Password hashing with WebCrypto PBKDF2-SHA256: the same code on Node and Workers (no native bcrypt/argon2 there).
import { base64url } from './crypto.js';

/**
 * Iterations for new hashes. Cloudflare Workers' WebCrypto refuses PBKDF2 above 100,000 iterations, so that is
 * the ceiling for a hash that must verify on both runtimes; the count is stored in each hash, so raising it
 * later (or on another runtime) only needs `needsRehash` at the next login.
 */
export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;
const PREFIX = 'pbkdf2-sha256';

const enc = new TextEncoder();

function fromBase64url(s: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[\w-]+$/.test(s)) return null;
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
    return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  // NFKC so the same password typed on different keyboards (full-width digits, composed accents) matches.
  const key = await crypto.subtle.importKey('raw', enc.encode(password.normalize('NFKC')), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

/** Hashes a password as `pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64url parts). */
export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = new Uint8Array(SALT_BYTES);
  crypto.getRandomValues(salt);
  const hash = await derive(password, salt, iterations);
  return `${PREFIX}$${iterations}$${base64url(salt)}$${base64url(hash)}`;
}

function parse(stored: string): { iterations: number; salt: Uint8Array<ArrayBuffer>; hash: Uint8Array } | null {
  const [prefix, iter, saltPart, hashPart, extra] = stored.split('$');
  if (prefix !== PREFIX || extra !== undefined || !/^\d{1,7}$/.test(iter ?? '')) return null;
  const iterations = Number(iter);
  const salt = fromBase64url(saltPart ?? '');
  const hash = fromBase64url(hashPart ?? '');
  if (!salt || !hash || iterations < 1 || iterations > PBKDF2_ITERATIONS * 10) return null;
  return { iterations, salt, hash };
}

/** Constant-time check of a password against a stored hash; malformed hashes never match. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const p = parse(stored);
  if (!p) return false;
  const candidate = await derive(password, p.salt, p.iterations);
  if (candidate.length !== p.hash.length) return false;
  let diff = 0;
  for (let i = 0; i < candidate.length; i++) diff |= candidate[i] ^ p.hash[i];
  return diff === 0;
}

/** True when a stored hash was made with fewer iterations than new ones get (re-hash it after a good login). */
export function needsRehash(stored: string): boolean {
  const p = parse(stored);
  return !p || p.iterations < PBKDF2_ITERATIONS;
}

/**
 * A hash of nothing anyone knows, verified when a login names an unknown account, so a wrong email takes as
 * long as a wrong password and response times do not reveal which accounts exist.
 */
export const DUMMY_PASSWORD_HASH = `${PREFIX}$${PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;

/** A readable random password for generated accounts: 16 characters without look-alikes (no 0/O, 1/l/I). */
export function generatePassword(length = 16): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const out: string[] = [];
  const bytes = new Uint8Array(length * 2);
  crypto.getRandomValues(bytes);
  // Rejection sampling keeps every character equally likely (256 is not a multiple of the alphabet size).
  const limit = 256 - (256 % alphabet.length);
  for (const b of bytes) {
    if (out.length === length) break;
    if (b < limit) out.push(alphabet[b % alphabet.length]);
  }
  while (out.length < length) out.push(generatePassword(1));
  return out.join('');
}

/** Hex SHA-256, for session and API tokens stored at rest (they are random, so no salt or stretching is needed). */
export async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', enc.encode(value));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
