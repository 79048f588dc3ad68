/**
 * Engine benchmark: replies processed per second by `advance` for a 10-step tool with 10
 * conditions per step, on one core (the engine is synchronous, so one Node.js thread is one core).
 *
 *   cd packages/engine && ../../.tools/bin/pnpm bench
 *
 * Writes the result into the "Engine" section of docs/benchmarks.md (other sections are kept).
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  advance,
  toolDefinitionSchema,
  type Condition,
  type ConversationState,
  type Transition,
  type ToolDefinition,
} from '../../packages/engine/src';

const STEPS = 10;
const CONDITIONS = 10;
const TARGET = 200_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

function benchTool(): ToolDefinition {
  const steps = Array.from({ length: STEPS }, (_, s) => {
    const next = s + 1 < STEPS ? `step-${s + 1}` : null;
    // A realistic mix: words with wildcards, comparisons with static and field values, ranges.
    const conditions: Condition[] = Array.from({ length: CONDITIONS }, (_, c): Condition => {
      const base = { id: `s${s}c${c}`, tagId: 100 + c, nextStepId: next };
      switch (c % 4) {
        case 0:
          return {
            ...base,
            kind: 'equals_any',
            values: [`option ${c}`, `*choice ${c}*`, `pick${c}*`],
          };
        case 1:
          return {
            ...base,
            kind: 'compare',
            op: 'gt',
            value: { source: 'static', value: 1000 + c },
          };
        case 2:
          return {
            ...base,
            kind: 'between',
            first: { op: 'gte', value: { source: 'static', value: -20 - c } },
            second: { op: 'lt', value: { source: 'field', field: '_Floor' } },
          };
        default:
          return {
            ...base,
            kind: 'compare',
            op: 'lt',
            value: { source: 'field', field: '_Floor' },
          };
      }
    });
    return {
      id: `step-${s}`,
      name: `Step ${s}`,
      message: `Hi ~Contact.FirstName~, question ${s} of ${STEPS}. Text STOP to stop.`,
      saveTo: `_Answer${s}`,
      next: { kind: 'decide', conditions, fallbackTagId: 99, fallbackStepId: next },
    };
  });
  return toolDefinitionSchema.parse({
    name: 'Benchmark',
    sender: { kind: 'phone_number', phoneNumber: '+15005550006' },
    keyword: 'BENCH',
    collectEmailFirst: false,
    steps,
  });
}

// Replies that exercise the whole list: most match late or fall through to the fallback.
const REPLIES = [
  'I think choice 9, thanks',
  'seven',
  '$1,250',
  ' 12 ',
  'no idea',
  'pick9 please',
  '-3.5',
  'Option 8',
];

function run(): { replies: number; seconds: number } {
  const tool = benchTool();
  const contact = { id: 1, fields: { FirstName: 'Jo', _Floor: '-30' } };
  const start = (): ConversationState =>
    (
      advance(tool, null, {
        type: 'start_http',
        at: '2025-01-01T00:00:00.000Z',
        phone: '+14155550123',
        contact,
      }) as Transition
    ).state;
  let state = start();
  let replies = 0;
  let r = 0;
  const at = '2025-01-01T00:01:00.000Z';
  const deadline = process.hrtime.bigint() + BigInt(SECONDS * 1e9);
  const began = process.hrtime.bigint();
  let now = began;
  while (now < deadline) {
    for (let i = 0; i < 10_000; i++) {
      const transition = advance(tool, state, {
        type: 'reply',
        at,
        text: REPLIES[r++ % REPLIES.length]!,
      });
      replies++;
      state = transition.state.status === 'awaiting_reply' ? transition.state : start();
    }
    now = process.hrtime.bigint();
  }
  return { replies, seconds: Number(now - began) / 1e9 };
}

run(); // warm-up: let the JIT settle before measuring
const { replies, seconds } = run();
const perSecond = Math.round(replies / seconds);
const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'} (${cpus().length} cores shared, ${Math.round(totalmem() / 2 ** 30)} GiB), ${platform()} ${release()}, Node.js ${process.version}`;
const date = new Date().toISOString().slice(0, 10);
const load = loadavg()[0]?.toFixed(1) ?? '?';
console.warn(
  `${perSecond.toLocaleString('en-US')} replies/s (${replies} replies in ${seconds.toFixed(2)} s) — target ${TARGET.toLocaleString('en-US')}`,
);

const section = `## Engine

Replies processed per second by \`advance\` (packages/engine) for a 10-step tool with 10 conditions
per step (equals-any with wildcards, static and field comparisons, betweens), each reply saved to a
field, on one core (the engine is synchronous: one Node.js thread). Run: \`cd packages/engine &&
pnpm bench\` (\`bench/engine/run.ts\`, ${SECONDS} s after a warm-up of the same length).

| Date | Machine | Load (1 min) | Replies/s | Target |
| --- | --- | ---: | ---: | ---: |
| ${date} | ${machine} | ${load} | ${perSecond.toLocaleString('en-US')} | ${TARGET.toLocaleString('en-US')} |

The load column is the machine's 1-minute load average during the run: other work on the same
cores lowers the number.
`;

const file = join(__dirname, '..', '..', 'docs', 'benchmarks.md');
const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
const pattern = /## Engine\n[\s\S]*?(?=\n## |$)/;
const updated = pattern.test(current)
  ? current.replace(pattern, section.trimEnd() + '\n')
  : `${current.trimEnd()}\n\n${section}`;
writeFileSync(file, updated.endsWith('\n') ? updated : `${updated}\n`);
if (perSecond < TARGET) process.exitCode = 1;
