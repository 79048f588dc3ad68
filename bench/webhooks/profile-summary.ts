/**
 * Reads a V8 CPU profile of the API and says where its time went, by package (node_modules
 * package, the API's own source folder, Node.js internals, GC): self time, and the share of busy
 * samples with that package anywhere on the stack (so "express: 30%" means express or something it
 * called was running 30% of the time).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The "package" a frame belongs to. */
export function packageOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return '(gc)';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return '(program)';
    return '(native)';
  }
  const nm = url.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const api = url.match(/apps\/api\/dist\/([^/]+)/);
  if (api) return `api/${api[1]?.replace(/\.js$/, '')}`;
  const pkg = url.match(/packages\/([^/]+)\//);
  if (pkg) return `@sms-seq/${pkg[1]}`;
  if (url.startsWith('node:')) return 'node (internals)';
  return url;
}

function table(title: string, rows: [string, number][], total: number, limit: number): string[] {
  const out = [`| ${title} | share of busy time |`, '| ---- | ----: |'];
  for (const [name, ms] of rows.slice(0, limit))
    out.push(`| ${name} | ${((100 * ms) / total).toFixed(1)} % |`);
  return out;
}

export function summariseProfile(profile: CpuProfile, limit = 14): string {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const selfFn = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const ms = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node) continue;
    const pkg = packageOf(node.callFrame);
    if (pkg === '(idle)') {
      idle += ms;
      continue;
    }
    busy += ms;
    self.set(pkg, (self.get(pkg) ?? 0) + ms);
    const fn = `${node.callFrame.functionName || '(anonymous)'} (${pkg})`;
    selfFn.set(fn, (selfFn.get(fn) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame) break;
      const p = packageOf(frame.callFrame);
      if (p === '(root)' || seen.has(p)) continue;
      seen.add(p);
      inclusive.set(p, (inclusive.get(p) ?? 0) + ms);
    }
  }
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  const busyShare = (100 * busy) / Math.max(busy + idle, 1);
  return [
    `CPU profile of the API process during the load window: ${(busy / 1000).toFixed(1)} s busy of ${((busy + idle) / 1000).toFixed(1)} s (${busyShare.toFixed(0)} % of one core).`,
    '',
    ...table('Package (self time)', sorted(self), busy, limit),
    '',
    ...table(
      'Package (on the stack)',
      sorted(inclusive).filter(([p]) => p !== '(native)'),
      busy,
      limit,
    ),
    '',
    ...table('Function (self time)', sorted(selfFn), busy, limit),
  ].join('\n');
}
