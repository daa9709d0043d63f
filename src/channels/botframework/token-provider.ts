// Outbound Bot Framework tokens by OAuth client credentials over HttpClient (MSAL's HTTP client hangs in workerd).
import { fetchHttpClient, type HttpClient } from '../../lib/http.js';

export interface BotCredentials {
  appId: string;
  appPassword: string;
  /** SingleTenant bots use their tenant; MultiTenant bots use botframework.com. */
  tenantId?: string;
  /** Overrides the token endpoint (sovereign clouds, tests). */
  tokenUrl?: string;
}

const SCOPE = 'https://api.botframework.com/.default';

/** Caches one token and refreshes it 5 minutes before expiry; concurrent callers share one request. */
export class BotTokenProvider {
  private token: { value: string; expiresAt: number } | null = null;
  private inflight: Promise<string> | null = null;

  constructor(
    private readonly creds: BotCredentials,
    private readonly http: HttpClient = fetchHttpClient(),
  ) {}

  async getToken(): Promise<string> {
    if (this.token && this.token.expiresAt - 300_000 > Date.now()) return this.token.value;
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async fetchToken(): Promise<string> {
    const tenant = this.creds.tenantId ?? 'botframework.com';
    const url = this.creds.tokenUrl ?? `https://login.microsoftonline.com/${encodeURIComponent(tenant)}/oauth2/v2.0/token`;
    const res = await this.http({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.creds.appId,
        client_secret: this.creds.appPassword,
        scope: SCOPE,
      }).toString(),
    });
    if (res.status < 200 || res.status >= 300) throw new Error(`Bot Framework token request failed: ${res.status}`);
    const body = JSON.parse(res.body) as { access_token: string; expires_in: number };
    this.token = { value: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
    return body.access_token;
  }
}
