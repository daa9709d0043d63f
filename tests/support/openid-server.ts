// A local OpenID issuer: serves an OpenID configuration and JWKS, and signs Bot Framework-style JWTs (RS256).
import { Hono } from 'hono';
import { startServer, type RunningServer } from './server.js';

export interface LocalIssuer extends RunningServer {
  /** The OpenID configuration URL (BOT_OPENID_METADATA_URL / BOT_EMULATOR_OPENID_METADATA_URL). */
  metadataUrl: string;
  /** Signs claims with the issuer's key (kid `key-1`); `keyId` picks another published or unpublished key. */
  sign(claims: Record<string, unknown>, options?: { keyId?: string; alg?: string }): Promise<string>;
  /** Fetches of the JWKS so far (cache behaviour). */
  jwksFetches: number;
}

const b64url = (bytes: ArrayBuffer | Uint8Array) =>
  Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('base64url');

/** `endorsements` are attached to the published key (Bot Framework keys list the channels they may sign for). */
export async function startLocalIssuer(options: { endorsements?: string[] } = {}): Promise<LocalIssuer> {
  const gen = () =>
    crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    );
  const published = await gen();
  const unpublished = await gen();
  const jwk = await crypto.subtle.exportKey('jwk', published.publicKey);
  const state = { jwksFetches: 0 };
  const app = new Hono();
  let base = '';
  app.get('/.well-known/openid-configuration', (c) => c.json({ issuer: 'local', jwks_uri: `${base}/keys` }));
  app.get('/keys', (c) => {
    state.jwksFetches += 1;
    return c.json({ keys: [{ kty: 'RSA', use: 'sig', kid: 'key-1', n: jwk.n, e: jwk.e, endorsements: options.endorsements }] });
  });
  const server = await startServer(app.fetch);
  base = server.url;
  return {
    ...server,
    metadataUrl: `${server.url}/.well-known/openid-configuration`,
    get jwksFetches() {
      return state.jwksFetches;
    },
    async sign(claims, opts = {}) {
      const header = b64url(new TextEncoder().encode(JSON.stringify({ alg: opts.alg ?? 'RS256', typ: 'JWT', kid: opts.keyId ?? 'key-1' })));
      const payload = b64url(new TextEncoder().encode(JSON.stringify(claims)));
      const key = opts.keyId === 'unpublished' ? unpublished.privateKey : published.privateKey;
      const sig = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, new TextEncoder().encode(`${header}.${payload}`));
      return `${header}.${payload}.${b64url(sig)}`;
    },
  };
}
