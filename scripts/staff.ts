// `npm run staff -- <command>`: create staff accounts (the first admin in production), reset passwords, issue tokens.
import { auditLog } from '../src/domain/audit/index.js';
import { clearLoginFailures, createStaff, findStaffByEmail, issueApiToken, listStaff, updateStaff } from '../src/domain/staff/index.js';
import { STAFF_ROLES, type StaffRole } from '../db/schema/index.js';
import { databaseUrl, domainCtxFromEnv, openMigratedStore, parseArgs, runMain } from './cli-support.js';

const USAGE = `Usage: npm run staff -- <command> [options] [--database-url URL]
  create --email E --name N --role agent|marketer|admin [--display-name D] [--password P]
                           create an account; without --password one is generated and printed once
  list                     accounts with role, status and last sign-in
  reset-password --email E [--password P]
                           set a new password (generated when omitted); signs the account out everywhere
  disable --email E        disable an account (its sessions and tokens stop working)
  enable --email E         enable it again
  unlock --email E         lift a sign-in lockout (too many wrong passwords) before its cooldown ends
  token --email E --name N [--days D]
                           issue an API token for the JSON API (printed once, stored hashed)`;

const SPEC = {
  email: 'string',
  name: 'string',
  role: 'string',
  'display-name': 'string',
  password: 'string',
  days: 'string',
  'database-url': 'string',
  help: 'boolean',
} as const;

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const args = parseArgs(rest, SPEC);
  if (!command || args.help || command === 'help') {
    console.log(USAGE);
    return;
  }
  const store = await openMigratedStore(databaseUrl(args['database-url']));
  const ctx = domainCtxFromEnv(store);
  const str = (name: keyof typeof SPEC) => (typeof args[name] === 'string' ? (args[name] as string) : undefined);
  const need = (name: keyof typeof SPEC) => {
    const v = str(name);
    if (!v) throw new Error(`--${name} is required\n${USAGE}`);
    return v;
  };
  const account = async () => {
    const found = await findStaffByEmail({ ctx, input: { email: need('email') } });
    if (!found) throw new Error(`No staff account with email ${need('email')}`);
    return found;
  };
  const log = (action: string, target: string, details?: Record<string, unknown>) =>
    auditLog({ ctx, input: { staffId: null, action, target, details, via: 'cli' } });
  try {
    switch (command) {
      case 'create': {
        const role = need('role');
        if (!STAFF_ROLES.includes(role as StaffRole)) throw new Error(`--role must be one of ${STAFF_ROLES.join(', ')}`);
        const r = await createStaff({
          ctx,
          input: {
            email: need('email'),
            name: need('name'),
            displayName: str('display-name'),
            role: role as StaffRole,
            password: str('password'),
          },
        });
        await log('staff.create', `staff:${r.staff.id}`, { email: r.staff.email, role: r.staff.role });
        console.log(`created ${r.staff.email} (${r.staff.role})`);
        if (r.generatedPassword) console.log(`password (shown once): ${r.generatedPassword}`);
        break;
      }
      case 'list': {
        for (const s of await listStaff({ ctx, input: {} })) {
          const last = s.lastLoginAt ? s.lastLoginAt.toISOString() : 'never';
          const lock = s.lockedUntil && s.lockedUntil.getTime() > Date.now() ? ` locked until ${s.lockedUntil.toISOString()}` : '';
          console.log(`${s.email.padEnd(32)} ${s.role.padEnd(9)} ${s.active ? 'active  ' : 'disabled'} last sign-in ${last}${lock}`);
        }
        break;
      }
      case 'reset-password': {
        const s = await account();
        const given = str('password');
        const r = await updateStaff({ ctx, input: { staffId: s.id, ...(given ? { password: given } : { resetPassword: true }) } });
        await log('staff.reset_password', `staff:${s.id}`);
        console.log(`password of ${s.email} changed; its sessions were signed out`);
        if (r.generatedPassword) console.log(`new password (shown once): ${r.generatedPassword}`);
        break;
      }
      case 'disable':
      case 'enable': {
        const s = await account();
        await updateStaff({ ctx, input: { staffId: s.id, active: command === 'enable' } });
        await log('staff.update', `staff:${s.id}`, { active: command === 'enable' });
        console.log(`${s.email} ${command}d`);
        break;
      }
      case 'unlock': {
        const s = await account();
        await clearLoginFailures({ ctx, input: { staffId: s.id } });
        await log('staff.unlock', `staff:${s.id}`);
        console.log(`${s.email} unlocked`);
        break;
      }
      case 'token': {
        const s = await account();
        const days = str('days');
        const r = await issueApiToken({
          ctx,
          input: { staffId: s.id, name: need('name'), expiresInDays: days ? Number(days) : undefined },
        });
        await log('token.create', `token:${r.record.id}`, { staffId: s.id, name: r.record.name });
        console.log(`token for ${s.email} (shown once): ${r.token}`);
        break;
      }
      default:
        throw new Error(`Unknown command ${command}\n${USAGE}`);
    }
  } finally {
    store.close();
  }
}

runMain(main);
