// Shared by the bench orchestrators: forking TypeScript children and waiting on their IPC messages.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Children run TypeScript through the same tsx loader, resolved from here so the cwd does not matter. */
export const TSX = import.meta.resolve('tsx');

/** Absolute path of a file in bench/. */
export const benchFile = (f: string) => fileURLToPath(new URL(f, import.meta.url));

/** Next IPC message of `type` from a child, or a rejection if the child exits first. */
export function nextMessage<T extends { type: string }>(child: ChildProcess, type: T['type'], timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no '${type}' from child within ${timeoutMs / 1000} s`)), timeoutMs);
    const onMessage = (m: { type?: string }) => m?.type === type && done(null, m as T);
    const onExit = (code: number | null) => done(new Error(`child exited (code ${code}) before sending '${type}'`));
    function done(err: Error | null, msg?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(msg!);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Resolves once the child has exited (at once if it already has). */
export const exited = (child: ChildProcess) =>
  new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
