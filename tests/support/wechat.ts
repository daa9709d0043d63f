// A local WeChat Official Account API (token, customer-service and template messages) and a client that signs pushes as WeChat does.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { startServer, type RunningServer } from './server.js';

export interface WechatCall {
  path: string;
  accessToken: string;
  body: Record<string, unknown>;
}

export interface LocalWechat extends RunningServer {
  /** Customer-service sends (accepted ones), in order. */
  custom: WechatCall[];
  templates: WechatCall[];
  tokenRequests: number;
  /** Makes the current token invalid (the next send gets 42001 and must refresh). */
  expireTokens(): void;
  /** The next send to this openid answers with this errcode (45015 window, 45047 quota, 43004 unfollowed). */
  failNext(openid: string, errcode: number, errmsg?: string): void;
  /** Slows token issuance so concurrent refreshes would overlap. */
  tokenDelayMs: number;
  customTo(openid: string): WechatCall[];
}

/** Speaks the three endpoints like api.weixin.qq.com: errcode/errmsg JSON, access_token in the query. */
export async function startLocalWechat(creds: { appId: string; appSecret: string }): Promise<LocalWechat> {
  const custom: WechatCall[] = [];
  const templates: WechatCall[] = [];
  const valid = new Set<string>();
  const failures = new Map<string, { errcode: number; errmsg: string }>();
  const st = { tokenRequests: 0, seq: 0, tokenDelayMs: 0 };
  const app = new Hono();
  app.get('/cgi-bin/token', async (c) => {
    st.tokenRequests += 1;
    if (st.tokenDelayMs) await new Promise((r) => setTimeout(r, st.tokenDelayMs));
    if (c.req.query('grant_type') !== 'client_credential') return c.json({ errcode: 40002, errmsg: 'invalid grant_type' });
    if (c.req.query('appid') !== creds.appId || c.req.query('secret') !== creds.appSecret) {
      return c.json({ errcode: 40125, errmsg: 'invalid appsecret' });
    }
    // Like WeChat: a new token invalidates the previous one.
    valid.clear();
    const token = `token-${++st.seq}`;
    valid.add(token);
    return c.json({ access_token: token, expires_in: 7200 });
  });
  const send = (list: WechatCall[], path: string) => async (c: import('hono').Context) => {
    const accessToken = c.req.query('access_token') ?? '';
    if (!valid.has(accessToken)) return c.json({ errcode: 42001, errmsg: 'access_token expired' });
    const body = (await c.req.json()) as Record<string, unknown>;
    const touser = String(body.touser ?? '');
    const fail = failures.get(touser);
    if (fail) {
      failures.delete(touser);
      return c.json(fail);
    }
    list.push({ path, accessToken, body });
    return c.json({ errcode: 0, errmsg: 'ok', msgid: 1000 + list.length });
  };
  app.post('/cgi-bin/message/custom/send', send(custom, 'custom'));
  app.post('/cgi-bin/message/template/send', send(templates, 'template'));
  const server = await startServer(app.fetch);
  return {
    ...server,
    custom,
    templates,
    get tokenRequests() {
      return st.tokenRequests;
    },
    get tokenDelayMs() {
      return st.tokenDelayMs;
    },
    set tokenDelayMs(v: number) {
      st.tokenDelayMs = v;
    },
    expireTokens: () => valid.clear(),
    failNext: (openid, errcode, errmsg = 'error') => failures.set(openid, { errcode, errmsg }),
    customTo: (openid) => custom.filter((c) => c.body.touser === openid),
  };
}

// --- The WeChat side of a push, written independently with node:crypto (not the app's WebCrypto code). ---

const sha1 = (...parts: string[]) =>
  createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');

function pkcs7(buf: Buffer, block = 32): Buffer {
  const pad = block - (buf.length % block);
  return Buffer.concat([buf, Buffer.alloc(pad, pad)]);
}

/** Safe-mode encryption as WeChat does it (AES-256-CBC, no auto padding, 32-byte PKCS#7). */
export function wechatEncrypt(aesKey: string, appId: string, message: string): string {
  const key = Buffer.from(`${aesKey}=`, 'base64');
  const msg = Buffer.from(message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length, 0);
  const plain = pkcs7(Buffer.concat([randomBytes(16), len, msg, Buffer.from(appId)]));
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

/** Decrypts our encrypted passive reply and returns the inner XML and the AppID it names. */
export function wechatDecrypt(aesKey: string, encrypted: string): { xml: string; appId: string } {
  const key = Buffer.from(`${aesKey}=`, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
  const pad = plain[plain.length - 1];
  const body = plain.subarray(0, plain.length - pad);
  const len = body.readUInt32BE(16);
  return { xml: body.subarray(20, 20 + len).toString('utf8'), appId: body.subarray(20 + len).toString('utf8') };
}

export interface WechatAccount {
  token: string;
  appId: string;
  /** Set for safe mode. */
  aesKey?: string;
  /** The official account's id (ToUserName of pushes). */
  account: string;
}

const cdata = (v: string) => `<![CDATA[${v}]]>`;

/** A push's XML as WeChat writes it. */
export function pushXml(account: string, openid: string, fields: Record<string, string | number>): string {
  const { CreateTime = Math.floor(Date.now() / 1000), ...rest } = fields;
  const inner = Object.entries(rest)
    .map(([k, v]) => `<${k}>${typeof v === 'number' ? v : cdata(v)}</${k}>`)
    .join('');
  return `<xml><ToUserName>${cdata(account)}</ToUserName><FromUserName>${cdata(openid)}</FromUserName><CreateTime>${CreateTime}</CreateTime>${inner}</xml>`;
}

let nonceSeq = 0;

/** POSTs a signed push (encrypted in safe mode) to the app; `tamper` breaks one signature on purpose. */
export async function postPush(
  baseUrl: string,
  acct: WechatAccount,
  xml: string,
  opts: { tamper?: 'signature' | 'msg_signature'; timestamp?: number; plainInSafeMode?: boolean; fetch?: typeof fetch } = {},
): Promise<Response> {
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = `n${++nonceSeq}${Math.floor(Math.random() * 1e6)}`;
  const signature = opts.tamper === 'signature' ? '0'.repeat(40) : sha1(acct.token, timestamp, nonce);
  const q = new URLSearchParams({ signature, timestamp, nonce, openid: 'ignored' });
  let body = xml;
  if (acct.aesKey && !opts.plainInSafeMode) {
    const encrypt = wechatEncrypt(acct.aesKey, acct.appId, xml);
    q.set('encrypt_type', 'aes');
    q.set('msg_signature', opts.tamper === 'msg_signature' ? '0'.repeat(40) : sha1(acct.token, timestamp, nonce, encrypt));
    body = `<xml><ToUserName>${cdata(acct.account)}</ToUserName><Encrypt>${cdata(encrypt)}</Encrypt></xml>`;
  }
  return (opts.fetch ?? fetch)(`${baseUrl}/api/channels/wechat?${q}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
}

/** The console's server URL check. */
export async function verifyUrl(baseUrl: string, token: string, echostr: string, tamper = false): Promise<Response> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = 'verify123';
  const signature = tamper ? sha1('wrong', timestamp, nonce) : sha1(token, timestamp, nonce);
  return fetch(`${baseUrl}/api/channels/wechat?${new URLSearchParams({ signature, timestamp, nonce, echostr })}`);
}

/** Reads a passive reply (decrypting and checking its msg_signature in safe mode); null for "success". */
export async function readPassive(res: Response, acct: WechatAccount): Promise<{ content: string; toUser: string } | null> {
  const text = await res.text();
  if (text === 'success' || text === '') return null;
  let xml = text;
  if (acct.aesKey) {
    const field = (name: string) => new RegExp(`<${name}>(?:<!\\[CDATA\\[)?(.*?)(?:\\]\\]>)?</${name}>`, 's').exec(text)?.[1] ?? '';
    const encrypt = field('Encrypt');
    if (sha1(acct.token, field('TimeStamp'), field('Nonce'), encrypt) !== field('MsgSignature'))
      throw new Error('bad msg_signature on reply');
    const inner = wechatDecrypt(acct.aesKey, encrypt);
    if (inner.appId !== acct.appId) throw new Error('reply encrypted for another AppID');
    xml = inner.xml;
  }
  const get = (name: string) => new RegExp(`<${name}><!\\[CDATA\\[(.*?)\\]\\]></${name}>`, 's').exec(xml)?.[1] ?? '';
  return { content: get('Content'), toUser: get('ToUserName') };
}
