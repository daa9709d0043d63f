// Worker build only (wrangler.toml [alias]): stands in for botframework-connector, which nothing on the Worker's paths uses.
//
// botbuilder-core's index loads botframework-connector (and with it MSAL, @azure/identity, axios: ~1 MB of the
// bundle) for CloudAdapter, skills and OAuth cards. This app's adapter (channels/botframework/adapter.ts) validates
// JWTs itself (jwt.ts), gets tokens itself (token-provider.ts) and talks to the connector REST API with fetch, so the
// Worker only needs the names botbuilder-core touches while loading. Anything that reaches for the real thing fails
// loudly instead of half-working; on Node the real package is used.

// botbuilder-core reads these constants while loading; they are plain values (the module requires nothing). The
// relative path matters: the wrangler alias would rewrite `botframework-connector/...` to this file.
export { AuthenticationConstants } from '../../node_modules/botframework-connector/lib/auth/authenticationConstants.js';

function unavailable(name: string): never {
  throw new Error(`botframework-connector.${name} is not bundled into the Worker (see src/runtime/botframework-connector-stub.ts)`);
}

/** A class botbuilder-core can extend at load time; constructing it (or a subclass) throws. */
function stubClass(name: string) {
  return class {
    constructor() {
      unavailable(name);
    }
  };
}

/** A namespace-like object whose members throw when read. */
function stubObject(name: string): Record<string, unknown> {
  return new Proxy({}, { get: (_t, prop) => (typeof prop === 'symbol' ? undefined : unavailable(`${name}.${String(prop)}`)) });
}

export const BotFrameworkAuthentication = stubClass('BotFrameworkAuthentication');
export const PasswordServiceClientCredentialFactory = stubClass('PasswordServiceClientCredentialFactory');
export const CertificateServiceClientCredentialsFactory = stubClass('CertificateServiceClientCredentialsFactory');
export const ManagedIdentityServiceClientCredentialsFactory = stubClass('ManagedIdentityServiceClientCredentialsFactory');
export const JwtTokenProviderFactory = stubClass('JwtTokenProviderFactory');
export const ClaimsIdentity = stubClass('ClaimsIdentity');
export const SkillValidation = stubObject('SkillValidation');
export const AseChannelValidation = stubObject('AseChannelValidation');
export const BotFrameworkAuthenticationFactory = stubObject('BotFrameworkAuthenticationFactory');
