// Inbound Bot Framework JWT validation with WebCrypto and fetch (the same checks botframework-connector makes, without its weight).
import { fetchHttpClient, type HttpClient } from '../../lib/http.js';

/**
 * Where signing keys come from and who may issue tokens. Defaults are Microsoft's public cloud; sovereign clouds
 * and tests override the metadata URLs.
 */
export interface BotJwtOptions {
  appId: string;
  /** Single-tenant bots: the Emulator's tokens may also come from this tenant. */
  tenantId?: string;
  /** OpenID configuration of tokens Azure Bot Service channels send. */
  channelMetadataUrl?: string;
  /** OpenID configuration of tokens the Bot Framework Emulator (AAD) sends. */
  emulatorMetadataUrl?: string;
  http?: HttpClient;
  now?: () => number;
}

export const CHANNEL_METADATA_URL = 'https://login.botframework.com/v1/.well-known/openidconfiguration';
export const EMULATOR_METADATA_URL = 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration';
export const CHANNEL_ISSUER = 'https://api.botframework.com';
/** AAD issuers of Emulator tokens, as botframework-connector lists them (public and US Government clouds). */
export const EMULATOR_ISSUERS = [
  'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/',
  'https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0',
  'https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/',
  'https://login.microsoftonline.com/f8cdef31-a31e-4b4a-93e4-5f571e91255a/v2.0',
  'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
  'https://sts.windows.net/cab8a31a-1906-4287-a0d8-4eef66b95f6e/',
  'https://login.microsoftonline.us/cab8a31a-1906-4287-a0d8-4eef66b95f6e/v2.0',
  'https://login.microsoftonline.us/f8cdef31-a31e-4b4a-93e4-5f571e91255a/',
  'https://login.microsoftonline.us/f8cdef31-a31e-4b4a-93e4-5f571e91255a/v2.0',
];
/** Clock skew tolerated on exp/nbf, as botframework-connector does. */
const CLOCK_TOLERANCE_S = 300;
const ALGORITHMS: Record<string, string> = { RS256: 'SHA-256', RS384: 'SHA-384', RS512: 'SHA-512' };
/** Keys are refreshed daily, or sooner when a token names a key we do not have (at most every 5 minutes). */
const KEYS_MAX_AGE_MS = 24 * 3_600_000;
const KEYS_MIN_REFRESH_MS = 5 * 60_000;

export class JwtError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwtError';
  }
}

export interface BotClaims {
  iss: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  serviceurl?: string;
  ver?: string;
  appid?: string;
  azp?: string;
  [claim: string]: unknown;
}

interface Jwk {
  kty: string;
  kid?: string;
  n?: string;
  e?: string;
  endorsements?: string[];
}

const dec = new TextDecoder();
function b64urlBytes(s: string): Uint8Array<ArrayBuffer> {
  if (!/^[\w-]*$/.test(s)) throw new JwtError('token is not base64url');
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
function b64urlJson<T>(s: string): T {
  try {
    return JSON.parse(dec.decode(b64urlBytes(s))) as T;
  } catch {
    throw new JwtError('token is not a JWT');
  }
}

/** One OpenID configuration's keys, cached. */
class KeySet {
  private keys: Map<string, Jwk> | null = null;
  private fetchedAt = 0;
  private inflight: Promise<void> | null = null;

  constructor(
    private readonly metadataUrl: string,
    private readonly http: HttpClient,
    private readonly now: () => number,
  ) {}

  async key(kid: string): Promise<Jwk | undefined> {
    const stale = !this.keys || this.now() - this.fetchedAt > KEYS_MAX_AGE_MS;
    const unknown = this.keys && !this.keys.has(kid) && this.now() - this.fetchedAt > KEYS_MIN_REFRESH_MS;
    if (stale || unknown) {
      this.inflight ??= this.refresh().finally(() => {
        this.inflight = null;
      });
      await this.inflight;
    }
    return this.keys?.get(kid);
  }

  private async refresh(): Promise<void> {
    const meta = await this.getJson<{ jwks_uri?: string }>(this.metadataUrl);
    if (!meta.jwks_uri) throw new JwtError('OpenID configuration has no jwks_uri');
    const jwks = await this.getJson<{ keys?: Jwk[] }>(meta.jwks_uri);
    this.keys = new Map((jwks.keys ?? []).filter((k) => k.kid).map((k) => [k.kid as string, k]));
    this.fetchedAt = this.now();
  }

  private async getJson<T>(url: string): Promise<T> {
    const res = await this.http({ method: 'GET', url, headers: { accept: 'application/json' } });
    if (res.status < 200 || res.status >= 300) throw new JwtError(`signing keys unavailable (${res.status} from ${new URL(url).host})`);
    try {
      return JSON.parse(res.body) as T;
    } catch {
      throw new JwtError(`signing keys unreadable (from ${new URL(url).host})`);
    }
  }
}

/**
 * Validates `Authorization: Bearer <jwt>` of an inbound activity: signature (RS256/384/512 with a key of the
 * issuer's OpenID configuration), issuer, audience (our app id), lifetime with 5 minutes of skew, and for
 * channel tokens the `serviceurl` claim and the key's channel endorsements. Emulator tokens (AAD) must carry
 * our app id in `appid` (v1) or `azp` (v2). Bot-to-bot (skill) tokens are not accepted.
 */
export class BotJwtValidator {
  private readonly channel: KeySet;
  private readonly emulator: KeySet;
  private readonly now: () => number;
  private readonly emulatorIssuers: string[];

  constructor(private readonly options: BotJwtOptions) {
    const f = options.http ?? fetchHttpClient();
    this.now = options.now ?? Date.now;
    this.channel = new KeySet(options.channelMetadataUrl ?? CHANNEL_METADATA_URL, f, this.now);
    this.emulator = new KeySet(options.emulatorMetadataUrl ?? EMULATOR_METADATA_URL, f, this.now);
    this.emulatorIssuers = options.tenantId
      ? [...EMULATOR_ISSUERS, `https://sts.windows.net/${options.tenantId}/`, `https://login.microsoftonline.com/${options.tenantId}/v2.0`]
      : EMULATOR_ISSUERS;
  }

  async validate(authHeader: string, activity: { channelId?: string; serviceUrl?: string }): Promise<BotClaims> {
    const m = /^Bearer\s+(\S+)$/i.exec(authHeader.trim());
    if (!m) throw new JwtError('no bearer token');
    const parts = m[1].split('.');
    if (parts.length !== 3) throw new JwtError('token is not a JWT');
    const header = b64urlJson<{ alg?: string; kid?: string }>(parts[0]);
    const claims = b64urlJson<BotClaims>(parts[1]);
    const hash = header.alg ? ALGORITHMS[header.alg] : undefined;
    if (!hash) throw new JwtError(`signing algorithm ${header.alg} is not allowed`);
    if (!header.kid) throw new JwtError('token names no signing key');

    const fromChannel = claims.iss === CHANNEL_ISSUER;
    const fromEmulator = this.emulatorIssuers.includes(claims.iss);
    if (!fromChannel && !fromEmulator) throw new JwtError('token issuer is not trusted');
    const jwk = await (fromChannel ? this.channel : this.emulator).key(header.kid);
    if (jwk?.kty !== 'RSA' || !jwk.n || !jwk.e) throw new JwtError('signing key not found');
    const key = await crypto.subtle.importKey(
      'jwk',
      { kty: 'RSA', n: jwk.n, e: jwk.e, ext: true },
      { name: 'RSASSA-PKCS1-v1_5', hash },
      false,
      ['verify'],
    );
    const signed = new TextEncoder().encode(`${parts[0]}.${parts[1]}`);
    if (!(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, b64urlBytes(parts[2]), signed))) throw new JwtError('bad signature');

    const nowS = this.now() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp + CLOCK_TOLERANCE_S < nowS) throw new JwtError('token expired');
    if (typeof claims.nbf === 'number' && claims.nbf - CLOCK_TOLERANCE_S > nowS) throw new JwtError('token not yet valid');

    if (fromChannel) {
      const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!aud.includes(this.options.appId)) throw new JwtError('token audience is not this bot');
      if (activity.serviceUrl && claims.serviceurl !== activity.serviceUrl) {
        throw new JwtError('serviceUrl does not match the token');
      }
      if (jwk.endorsements?.length && !jwk.endorsements.includes(activity.channelId ?? '')) {
        throw new JwtError('signing key is not endorsed for this channel');
      }
    } else {
      const appId = claims.ver === '2.0' ? claims.azp : !claims.ver || claims.ver === '1.0' ? claims.appid : undefined;
      if (!claims.ver) throw new JwtError('"ver" claim is required on Emulator tokens');
      if (appId !== this.options.appId) throw new JwtError('token was not issued to this bot');
    }
    return claims;
  }
}
