// Hono's typed environment: the dependencies every route reads from the context.
import type { AppDeps } from '../deps.js';
import type { StaffPrincipal } from './staff-auth.js';

export type AppEnv = {
  Variables: {
    deps: AppDeps;
    requestId: string;
    /** Set by requireStaff(): who is acting (session, API token or the admin token). */
    staff?: StaffPrincipal;
  };
};
