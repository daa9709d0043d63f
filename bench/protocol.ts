// Shared by the bench processes: scenario names, IPC messages, the question mix and how a reply is judged.

export type Scenario = 'hono' | 'echo' | 'pipeline';

export const SCENARIO_LABEL: Record<Scenario, string> = {
  hono: 'bare hono',
  echo: 'stock echo bot',
  pipeline: 'full pipeline',
};

/** Server child -> orchestrator, once it listens (and, for the pipeline, once its store is seeded). */
export interface ServerReady {
  type: 'ready';
  url: string;
  /** Linked channel users the load generator may speak as (empty for the baselines, which need no identity). */
  users: string[];
  setupMs: number;
  note?: string;
}

/** Orchestrator -> load generator child. */
export interface LoadConfig {
  scenario: Scenario;
  url: string;
  users: string[];
  concurrency: number;
  warmupSeconds: number;
  seconds: number;
}

/** Load generator -> orchestrator: the measured window only (warm-up is discarded). */
export interface LoadResult {
  type: 'result';
  scenario: Scenario;
  ok: number;
  errors: number;
  /** Error kinds with counts, e.g. "http 500", "no reply", "bad reply". */
  errorKinds: Record<string, number>;
  /** One example per error kind, to make a failed run diagnosable. */
  errorSamples: Record<string, string>;
  elapsedMs: number;
  p50: number;
  p99: number;
  mean: number;
  warmupTurns: number;
  /** Every turn that finished, warm-up and stragglers after the window included (what the server's CPU paid for). */
  completed: number;
  /** The generator's own CPU over warm-up + window, in % of one core (it shares the machine with the server). */
  cpuPercent: number;
}

/** Server child -> orchestrator, on request: its CPU time and event-loop utilization so far. */
export interface ServerUsage {
  type: 'usage';
  cpuMs: number;
  elu: { idle: number; active: number };
}

/** Server child -> orchestrator, on request: its memory (after a full GC when it runs with --expose-gc). */
export interface ServerMemory {
  type: 'memory';
  /** Whether a full GC ran just before (the child was started with --expose-gc and it was asked for). */
  collected: boolean;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  stats: Record<string, number>;
}

export interface Question {
  text: string;
  /** What a correct answer looks like (the offline brain's template for this intent, either language). */
  expect: RegExp;
}

/**
 * The mix the pipeline answers; each needs store reads (balance from the ledger, tier from rolling
 * spend, held coupons). Replies must carry the real answer, not a link/rate-limit/error notice.
 */
export const QUESTIONS: Question[] = [
  { text: '我有多少积分', expect: /您当前有 [\d,]+ 积分/ },
  { text: 'how many points do I have', expect: /You have [\d,]+ points/ },
  { text: '我是什么等级', expect: /您当前的会员等级是\S+（积分/ },
  { text: 'my coupons', expect: /coupon|优惠券/i },
];

/** Echo bot replies "Echo: <text>". */
export const ECHO_PREFIX = 'Echo: ';

/** A pipeline reply that is one of these is a failed turn even with HTTP 200. */
export const FAILURE_REPLIES = [
  /something went wrong|系统出了点问题/,
  /can't see your membership|无法从这个聊天看到/,
  /faster than I can answer|速度太快/,
  /I can only help with your membership|我只能处理会员相关/,
  /a little busy right now|系统此刻有点忙/,
];

/** Judges one reply text for one scenario and question; returns an error kind or null. */
export function judgeReply(scenario: Scenario, question: Question, replyText: string | undefined): string | null {
  if (replyText === undefined) return 'no reply at connector';
  if (scenario === 'echo') return replyText === ECHO_PREFIX + question.text ? null : 'wrong echo';
  if (FAILURE_REPLIES.some((re) => re.test(replyText))) return 'failure reply';
  return question.expect.test(replyText) ? null : 'unexpected reply';
}
