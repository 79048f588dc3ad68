// Preloaded into a worker process by the multi-process test (node -r): logs every grant of the
// process's Keap budget (who asked, when it asked, when it was granted) as a JSON line, so the
// test can measure fairness across processes. Test-only; the worker itself is the built app.
const { appendFileSync } = require('node:fs');
const { RedisKeapBudget } = require(process.env.GRANT_LOG_BUDGET_MODULE);

const file = process.env.GRANT_LOG_FILE;
const now = () => performance.timeOrigin + performance.now();
const acquire = RedisKeapBudget.prototype.acquire;
RedisKeapBudget.prototype.acquire = async function (ctx) {
  const askedAt = now();
  const grant = await acquire.call(this, ctx);
  const line = { ...ctx, askedAt, grantedAt: now(), pid: process.pid };
  appendFileSync(file, `${JSON.stringify(line)}\n`);
  return grant;
};
