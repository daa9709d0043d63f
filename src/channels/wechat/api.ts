// WeChat Official Account API: access token (cached in the state port, one refresh at a time), customer-service and template messages.
import type { Logger } from '../../lib/log.js';
import type { StatePort } from '../../state/port.js';
import type { NoticeTemplate, SendPurpose, SkipReason } from '../contract.js';

export interface WechatApiOptions {
  appId: string;
  appSecret: string;
  /** https://api.weixin.qq.com, or a local server in tests. */
  apiBase: string;
  state: StatePort;
  log: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  /** Refresh this long before the token expires (WeChat tokens live 7200 s). */
  refreshMarginSeconds?: number;
}

/** One customer-service message body (text or a menu message whose items come back as the member's text). */
export type CustomMessage =
  | { msgtype: 'text'; text: { content: string } }
  | { msgtype: 'msgmenu'; msgmenu: { head_content: string; list: { id: string; content: string }[]; tail_content: string } };

/** A WeChat API failure with its errcode mapped to what the caller should do. */
export class WechatApiError extends Error {
  override name = 'WechatApiError';
  constructor(
    message: string,
    readonly errcode: number,
    readonly retryable: boolean,
    readonly reason?: SkipReason,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

// errcodes of the customer-service and template APIs (WeChat's global return codes).
const TOKEN_INVALID = new Set([40001, 40014, 42001]);
const OUTSIDE_WINDOW = 45015;
const WINDOW_LIMIT = 45047;
const NOT_FOLLOWING = 43004;
const RETRYABLE = new Set([-1, 45009, 45011]);

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** A thin client of the three endpoints we use; every call carries a cached access token. */
export class WechatApi {
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly tokenKey: string;
  private readonly lockKey: string;

  constructor(private readonly options: WechatApiOptions) {
    // Unbound: workerd rejects fetch called as a method of another object.
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? Date.now;
    this.tokenKey = `wechat:token:${options.appId}`;
    this.lockKey = `wechat:token-lock:${options.appId}`;
  }

  /**
   * A valid access token. It is shared by every process through the state port and refreshed
   * `refreshMarginSeconds` before it expires; a lock in the state port lets one caller refresh while the
   * others wait for its result (WeChat invalidates the previous token on every refresh, so parallel
   * refreshes would knock each other out). `stale` forces a refresh unless someone already replaced it.
   */
  async accessToken(stale?: string): Promise<string> {
    const margin = (this.options.refreshMarginSeconds ?? 300) * 1000;
    for (let attempt = 0; attempt < 60; attempt++) {
      const cached = await this.cached();
      if (cached && cached.token !== stale && cached.expiresAt - margin > this.now()) return cached.token;
      if (await this.options.state.set(this.lockKey, String(this.now()), { ttlSeconds: 15, onlyIfAbsent: true })) {
        try {
          const again = await this.cached();
          if (again && again.token !== stale && again.expiresAt - margin > this.now()) return again.token;
          return await this.refresh();
        } finally {
          await this.options.state.del(this.lockKey);
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new WechatApiError('timed out waiting for the access token refresh', 0, true);
  }

  private async cached(): Promise<CachedToken | null> {
    const raw = await this.options.state.get(this.tokenKey);
    return raw ? (JSON.parse(raw) as CachedToken) : null;
  }

  private async refresh(): Promise<string> {
    const url = new URL('/cgi-bin/token', this.options.apiBase);
    url.searchParams.set('grant_type', 'client_credential');
    url.searchParams.set('appid', this.options.appId);
    url.searchParams.set('secret', this.options.appSecret);
    const res = await this.fetchImpl(url, { method: 'GET' });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; errcode?: number; errmsg?: string };
    if (!res.ok || !body.access_token) {
      throw new WechatApiError(
        `access token request failed: ${body.errcode ?? res.status}`,
        body.errcode ?? 0,
        res.status >= 500 || body.errcode === -1,
      );
    }
    const expiresIn = body.expires_in ?? 7200;
    const value: CachedToken = { token: body.access_token, expiresAt: this.now() + expiresIn * 1000 };
    await this.options.state.set(this.tokenKey, JSON.stringify(value), { ttlSeconds: expiresIn });
    this.options.log.info('wechat access token refreshed', { appId: this.options.appId, expiresIn });
    return value.token;
  }

  /** POSTs JSON with the token; an invalid-token answer refreshes once and retries. */
  private async post(path: string, body: unknown): Promise<{ msgid?: number }> {
    let token = await this.accessToken();
    for (let attempt = 1; ; attempt++) {
      const url = new URL(path, this.options.apiBase);
      url.searchParams.set('access_token', token);
      const res = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json().catch(() => ({ errcode: -1, errmsg: `http ${res.status}` }))) as {
        errcode?: number;
        errmsg?: string;
        msgid?: number;
      };
      const code = json.errcode ?? 0;
      if (res.ok && code === 0) return json;
      if (TOKEN_INVALID.has(code) && attempt === 1) {
        token = await this.accessToken(token);
        continue;
      }
      const reason: SkipReason | undefined =
        code === OUTSIDE_WINDOW
          ? 'outside_window'
          : code === WINDOW_LIMIT
            ? 'window_limit'
            : code === NOT_FOLLOWING
              ? 'unsubscribed'
              : undefined;
      throw new WechatApiError(
        `${path} failed: ${code} ${json.errmsg ?? ''}`.trim(),
        code,
        !reason && (res.status >= 500 || RETRYABLE.has(code)),
        reason,
        res.status,
      );
    }
  }

  /** One customer-service message (allowed within the member's messaging window). */
  async sendCustom(openid: string, message: CustomMessage): Promise<void> {
    await this.post('/cgi-bin/message/custom/send', { touser: openid, ...message });
  }

  /**
   * A template message. WeChat allows templates only for service notices (order, account and payment
   * updates), never for marketing: a caller that asks for anything else is refused here, in code.
   */
  async sendTemplate(openid: string, template: NoticeTemplate, purpose: SendPurpose): Promise<string> {
    if (purpose !== 'notice') throw new WechatApiError('template messages are only for service notices', 0, false, 'not_allowed');
    const data = Object.fromEntries(Object.entries(template.data).map(([k, value]) => [k, { value }]));
    const res = await this.post('/cgi-bin/message/template/send', {
      touser: openid,
      template_id: template.templateId,
      url: template.url,
      data,
    });
    return String(res.msgid ?? '');
  }
}
