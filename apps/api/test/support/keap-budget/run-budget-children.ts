import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { BudgetChildInput, BudgetChildResult } from './budget-child';

const TSX = join(__dirname, '../../../node_modules/.bin/tsx');
const CHILD = join(__dirname, 'budget-child.ts');

/** Runs one budget child process per input, all at once, and collects what each reports. */
export async function runBudgetChildren(
  inputs: BudgetChildInput[],
  /** Runs once every child is connected and waiting, before they are let go. */
  beforeGo: () => Promise<void> = async () => undefined,
): Promise<BudgetChildResult[][]> {
  let ready = 0;
  const children: ChildProcess[] = [];
  const results = Promise.all(
    inputs.map(
      (input) =>
        new Promise<BudgetChildResult[]>((resolve, reject) => {
          const child = spawn(TSX, [CHILD], {
            env: { ...process.env, BUDGET_CHILD_INPUT: JSON.stringify(input) },
            stdio: ['pipe', 'pipe', 'pipe'],
          });
          children.push(child);
          let out = '';
          let err = '';
          child.stdout.on('data', (d: Buffer) => {
            const before = out;
            out += d.toString();
            // All children connected and waiting: start them together.
            if (
              !before.includes('ready\n') &&
              out.includes('ready\n') &&
              ++ready === inputs.length
            ) {
              void beforeGo().then(() => {
                for (const c of children) c.stdin?.end('go\n');
              });
            }
          });
          child.stderr.on('data', (d: Buffer) => (err += d.toString()));
          child.on('error', reject);
          child.on('close', (code) => {
            if (process.env.KEAP_BUDGET_DEBUG && err) console.error(err);
            if (code !== 0) return reject(new Error(`budget child exited ${code}: ${err}`));
            try {
              resolve(JSON.parse(out.trim().split('\n').pop() ?? '[]') as BudgetChildResult[]);
            } catch {
              reject(new Error(`budget child printed no result: ${out} ${err}`));
            }
          });
        }),
    ),
  );
  return results;
}
