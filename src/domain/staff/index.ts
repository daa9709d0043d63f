// Staff: accounts with roles, password login, sessions and API tokens.
export { getStaff, findStaffByEmail, listStaff, normalizeEmail, publicStaff } from './find-staff.js';
export { createStaff, createStaffSchema, MIN_PASSWORD_LENGTH, passwordSchema, type CreateStaffInput } from './create-staff.js';
export { updateStaff, updateStaffSchema, type UpdateStaffInput } from './update-staff.js';
export { authenticatePassword } from './authenticate.js';
export {
  clearLoginFailures,
  lockedUntil,
  lockoutPolicy,
  loginFailureKey,
  recordLoginFailure,
  unlockStaff,
  type LockoutPolicy,
} from './lockout.js';
export { startSession, resolveSession, endSession, type SessionPolicy } from './sessions.js';
export { issueApiToken, resolveApiToken, listApiTokens, revokeApiToken, publicToken, API_TOKEN_PREFIX } from './api-tokens.js';
export { ensureAdminTokenStaff, ADMIN_TOKEN_STAFF_ID } from './admin-token-staff.js';
