// Password hashing: PBKDF2-SHA256 via WebCrypto, self-describing hashes, constant-time verification.
import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, needsRehash, PBKDF2_ITERATIONS, sha256Hex, verifyPassword } from '../../src/lib/password.js';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(new RegExp(`^pbkdf2-sha256\\$${PBKDF2_ITERATIONS}\\$[\\w-]{22}\\$[\\w-]{43}$`));
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', a)).toBe(true);
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('treats full-width and half-width input alike (NFKC)', async () => {
    const hash = await hashPassword('pass１２３４５６');
    expect(await verifyPassword('pass123456', hash)).toBe(true);
  });

  it('never matches malformed hashes and asks to upgrade weaker ones', async () => {
    for (const bad of ['', 'plain', 'pbkdf2-sha256$x$a$b', 'bcrypt$10$abc$def', 'pbkdf2-sha256$100000$!!$??']) {
      expect(await verifyPassword('anything', bad)).toBe(false);
      expect(needsRehash(bad)).toBe(true);
    }
    const weak = await hashPassword('old password', 1_000);
    expect(await verifyPassword('old password', weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(await hashPassword('new password'))).toBe(false);
  });

  it('generates readable random passwords and hashes tokens', async () => {
    const a = generatePassword();
    expect(a).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{16}$/);
    expect(generatePassword()).not.toBe(a);
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
