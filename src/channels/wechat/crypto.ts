// WeChat Official Account message security on WebCrypto: SHA-1 signatures and safe-mode AES-256-CBC (Node and Workers).

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

/** WeChat pads to 32-byte blocks (PKCS#7 with k = 32), not AES's 16. */
const PAD_BLOCK = 32;

function toHex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function base64Encode(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function base64Decode(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** Constant-time comparison of two hex/ASCII strings. */
export function timingSafeEqualStr(a: string, b: string): boolean {
  const ea = enc.encode(a);
  const eb = enc.encode(b);
  let diff = ea.length ^ eb.length;
  for (let i = 0; i < Math.max(ea.length, eb.length); i++) diff |= (ea[i] ?? 0) ^ (eb[i] ?? 0);
  return diff === 0;
}

/**
 * The WeChat signature: hex SHA-1 of the parts sorted lexicographically and concatenated. With
 * (token, timestamp, nonce) it is `signature` (URL verification and every push); with the `Encrypt`
 * value added it is `msg_signature` (safe mode).
 */
export async function wechatSignature(...parts: string[]): Promise<string> {
  const joined = [...parts].sort().join('');
  return toHex(await crypto.subtle.digest('SHA-1', enc.encode(joined)));
}

/** A configuration or message that fails WeChat's rules (bad key, wrong AppID, broken padding). */
export class WechatCryptoError extends Error {
  override name = 'WechatCryptoError';
}

/**
 * Safe-mode message crypto ("消息加解密"): key = base64(EncodingAESKey + "="), IV = the key's first
 * 16 bytes, plaintext = 16 random bytes + 4-byte big-endian length + message + AppID, padded to 32 bytes.
 */
export class WechatCipher {
  private keyPromise: Promise<CryptoKey>;
  private readonly iv: Uint8Array<ArrayBuffer>;

  constructor(
    encodingAesKey: string,
    private readonly appId: string,
  ) {
    if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) throw new WechatCryptoError('EncodingAESKey must be 43 characters of base64');
    const raw = base64Decode(`${encodingAesKey}=`);
    if (raw.length !== 32) throw new WechatCryptoError('EncodingAESKey must decode to 32 bytes');
    this.iv = raw.slice(0, 16);
    this.keyPromise = crypto.subtle.importKey('raw', raw, { name: 'AES-CBC' }, false, ['encrypt', 'decrypt']);
  }

  /** Encrypts a reply; `random16` is for test vectors only (16 ASCII characters), otherwise random. */
  async encrypt(message: string, random16?: string): Promise<string> {
    const random = random16 ? enc.encode(random16) : crypto.getRandomValues(new Uint8Array(16));
    if (random.length !== 16) throw new WechatCryptoError('random prefix must be 16 bytes');
    const msg = enc.encode(message);
    const app = enc.encode(this.appId);
    const len = 16 + 4 + msg.length + app.length;
    const pad = PAD_BLOCK - (len % PAD_BLOCK);
    const plain = new Uint8Array(len + pad);
    plain.set(random, 0);
    new DataView(plain.buffer).setUint32(16, msg.length, false);
    plain.set(msg, 20);
    plain.set(app, 20 + msg.length);
    plain.fill(pad, len);
    // WebCrypto always adds its own 16-byte PKCS#7 block; our data is already padded to a multiple of 16,
    // so that extra block is the last one and CBC lets us drop it without touching the others.
    const out = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv: this.iv }, await this.keyPromise, plain));
    return base64Encode(out.subarray(0, plain.length));
  }

  /** Decrypts an `Encrypt` value, checks the padding and that it was meant for our AppID. */
  async decrypt(encrypted: string): Promise<string> {
    let cipher: Uint8Array<ArrayBuffer>;
    try {
      cipher = base64Decode(encrypted);
    } catch {
      throw new WechatCryptoError('Encrypt is not base64');
    }
    if (cipher.length === 0 || cipher.length % 16 !== 0) throw new WechatCryptoError('ciphertext length is not a multiple of 16');
    const key = await this.keyPromise;
    // WebCrypto insists on 16-byte PKCS#7, which WeChat's 17..32-byte pads violate. Append the block that
    // encrypting an empty message after the last ciphertext block yields (a valid 16-byte pad), so
    // WebCrypto strips only that and hands back WeChat's padding for us to check.
    const lastBlock = cipher.slice(cipher.length - 16);
    const padBlock = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv: lastBlock }, key, new Uint8Array(0)));
    const full = new Uint8Array(cipher.length + 16);
    full.set(cipher, 0);
    full.set(padBlock, cipher.length);
    let plain: Uint8Array;
    try {
      plain = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-CBC', iv: this.iv }, key, full));
    } catch {
      throw new WechatCryptoError('decryption failed');
    }
    const pad = plain[plain.length - 1];
    if (pad < 1 || pad > PAD_BLOCK || pad > plain.length) throw new WechatCryptoError('bad padding');
    for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) throw new WechatCryptoError('bad padding');
    const body = plain.subarray(0, plain.length - pad);
    if (body.length < 20) throw new WechatCryptoError('message too short');
    const msgLen = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(16, false);
    if (20 + msgLen > body.length) throw new WechatCryptoError('bad message length');
    let message: string;
    let appId: string;
    try {
      message = dec.decode(body.subarray(20, 20 + msgLen));
      appId = dec.decode(body.subarray(20 + msgLen));
    } catch {
      throw new WechatCryptoError('message is not UTF-8');
    }
    if (!timingSafeEqualStr(appId, this.appId)) throw new WechatCryptoError('message is for another AppID');
    return message;
  }
}
