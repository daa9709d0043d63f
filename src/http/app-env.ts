// Hono's typed environment: the dependencies every route reads from the context.
import type { AppDeps } from '../deps.js';

export type AppEnv = {
  Variables: {
    deps: AppDeps;
    requestId: string;
  };
};
