// WeChat protocol pieces against WeChat's published samples: SHA-1 signatures, safe-mode AES, the XML reader.
import { describe, expect, it } from 'vitest';
import { WechatCipher, WechatCryptoError, wechatSignature } from '../../src/channels/wechat/crypto.js';
import { buildXml, cdata, parseXml, XmlError, xmlText } from '../../src/channels/wechat/xml.js';

// From WeChat's downloadable message-crypto sample (WXBizMsgCrypt, Python "Sample.py"): a pushed text message.
const SAMPLE = {
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  token: 'spamtest',
  appId: 'wx2c2769f8efd9abc2',
  timestamp: '1409735669',
  nonce: '1320562132',
  msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
  encrypt:
    'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=',
};

// From the same sample's Java test (WXBizMsgCryptTest): encryption with a fixed 16-byte random prefix.
const JAVA_SAMPLE = {
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appId: 'wxb11529c136998cb6',
  random: 'aaaabbbbccccdddd',
  reply: '我是中文abcd123',
  encrypted: 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
  reply2:
    '<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>',
  encrypted2:
    'jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb',
};

describe('WeChat signatures', () => {
  it('computes msg_signature of the published sample', async () => {
    expect(await wechatSignature(SAMPLE.token, SAMPLE.timestamp, SAMPLE.nonce, SAMPLE.encrypt)).toBe(SAMPLE.msgSignature);
  });
  it('sorts the parts before hashing (order of arguments does not matter)', async () => {
    expect(await wechatSignature('b', 'a', 'c')).toBe(await wechatSignature('c', 'b', 'a'));
    // sha1("abc")
    expect(await wechatSignature('c', 'a', 'b')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });
});

describe('WeChat safe mode', () => {
  it('decrypts the published sample, checking its AppID', async () => {
    const plain = await new WechatCipher(SAMPLE.encodingAesKey, SAMPLE.appId).decrypt(SAMPLE.encrypt);
    const msg = parseXml(plain);
    expect(xmlText(msg, 'MsgType')).toBe('text');
    expect(xmlText(msg, 'ToUserName')).toBe('gh_10f6c3c3ac5a');
    await expect(new WechatCipher(SAMPLE.encodingAesKey, 'wx0000000000000000').decrypt(SAMPLE.encrypt)).rejects.toThrow(/AppID/);
  });

  it('encrypts exactly as the published Java sample (fixed random prefix)', async () => {
    const cipher = new WechatCipher(JAVA_SAMPLE.encodingAesKey, JAVA_SAMPLE.appId);
    expect(await cipher.encrypt(JAVA_SAMPLE.reply, JAVA_SAMPLE.random)).toBe(JAVA_SAMPLE.encrypted);
    expect(await cipher.encrypt(JAVA_SAMPLE.reply2, JAVA_SAMPLE.random)).toBe(JAVA_SAMPLE.encrypted2);
    expect(await cipher.decrypt(JAVA_SAMPLE.encrypted2)).toBe(JAVA_SAMPLE.reply2);
  });

  it('round-trips every pad length (1..32) with random prefixes', async () => {
    const cipher = new WechatCipher(SAMPLE.encodingAesKey, SAMPLE.appId);
    for (let n = 0; n < 40; n++) {
      const text = '积'.repeat(n % 5) + 'x'.repeat(n);
      const encrypted = await cipher.encrypt(text);
      expect(await cipher.decrypt(encrypted)).toBe(text);
    }
  });

  it('rejects tampered ciphertext, bad keys and garbage', async () => {
    const cipher = new WechatCipher(SAMPLE.encodingAesKey, SAMPLE.appId);
    const bytes = Uint8Array.from(atob(SAMPLE.encrypt), (c) => c.charCodeAt(0));
    bytes[bytes.length - 1] ^= 1;
    const tampered = btoa(String.fromCharCode(...bytes));
    await expect(cipher.decrypt(tampered)).rejects.toBeInstanceOf(WechatCryptoError);
    await expect(cipher.decrypt('not base64!')).rejects.toBeInstanceOf(WechatCryptoError);
    await expect(cipher.decrypt('')).rejects.toBeInstanceOf(WechatCryptoError);
    expect(() => new WechatCipher('short', 'wx')).toThrow(WechatCryptoError);
  });
});

describe('WeChat XML', () => {
  it('reads text, CDATA, numbers and nested elements', () => {
    const msg = parseXml(
      '<?xml version="1.0"?><xml><ToUserName><![CDATA[gh_1]]></ToUserName><CreateTime>1409735668</CreateTime><Content><![CDATA[a <b> & c]]></Content><Note>x &lt; y &amp; &#20320;</Note><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType></ScanCodeInfo><Empty/></xml>',
    );
    expect(msg).toEqual({
      ToUserName: 'gh_1',
      CreateTime: '1409735668',
      Content: 'a <b> & c',
      Note: 'x < y & 你',
      ScanCodeInfo: { ScanType: 'qrcode' },
      Empty: '',
    });
  });

  it('refuses DTDs, external entities, unknown entities and malformed documents', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Content>&x;</Content></xml>';
    expect(() => parseXml(xxe)).toThrow(XmlError);
    expect(() => parseXml('<xml><Content>&x;</Content></xml>')).toThrow(XmlError);
    expect(() => parseXml('<xml><!-- hi --><A>1</A></xml>')).toThrow(XmlError);
    expect(() => parseXml('<xml><A>1</B></xml>')).toThrow(XmlError);
    expect(() => parseXml('<xml><A>1</A>')).toThrow(XmlError);
    expect(() => parseXml('<root><A>1</A></root>')).toThrow(XmlError);
    expect(() => parseXml('<xml><A>1</A></xml><xml/>')).toThrow(XmlError);
    expect(() => parseXml(`<xml><A>${'x'.repeat(70_000)}</A></xml>`)).toThrow(/too large/);
    expect(() => parseXml('<xml><a><b><c><d><e>1</e></d></c></b></a></xml>')).toThrow(/too deep/);
  });

  it('writes CDATA that cannot be broken out of', () => {
    const xml = buildXml({ Content: 'evil ]]><Foo>bar</Foo>', CreateTime: 1 });
    expect(xmlText(parseXml(xml), 'Content')).toBe('evil ]]><Foo>bar</Foo>');
    expect(cdata('a')).toBe('<![CDATA[a]]>');
  });
});
