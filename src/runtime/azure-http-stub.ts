// Worker build only (wrangler.toml [alias]): stands in for @azure/core-auth, core-client, core-rest-pipeline and
// core-http-compat, which nothing on the Worker's paths uses.
//
// botbuilder-core loads botbuilder-stdlib, whose index loads an Azure core-http compatibility layer (about 95 KiB of
// the minified bundle) for the Azure service clients of botframework-connector, which the Worker build stubs out
// too (botframework-connector-stub.ts). That layer only reads these names lazily (re-export getters, calls inside
// its own functions), so loading works without them; anything that calls one fails loudly instead of half-working.
// On Node the real packages are used.

function unavailable(name: string): never {
  throw new Error(`@azure/${name} is not bundled into the Worker (see src/runtime/azure-http-stub.ts)`);
}

const fn =
  (name: string) =>
  (..._args: unknown[]): never =>
    unavailable(name);

// @azure/core-auth
export const isTokenCredential = fn('core-auth.isTokenCredential');
// @azure/core-client
export const createSerializer = fn('core-client.createSerializer');
export class ServiceClient {
  constructor() {
    unavailable('core-client.ServiceClient');
  }
}
// @azure/core-rest-pipeline
export const createPipelineRequest = fn('core-rest-pipeline.createPipelineRequest');
export const createHttpHeaders = fn('core-rest-pipeline.createHttpHeaders');
// @azure/core-http-compat
export const convertHttpClient = fn('core-http-compat.convertHttpClient');
export const createRequestPolicyFactoryPolicy = fn('core-http-compat.createRequestPolicyFactoryPolicy');
