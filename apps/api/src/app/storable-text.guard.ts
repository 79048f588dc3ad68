import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { InvalidInputError } from '../errors/domain-error';

/**
 * Refuses any request whose body, query or path holds text PostgreSQL cannot store: a NUL
 * character (text refuses it) or a lone UTF-16 surrogate (JSON's `\ud800`, which jsonb refuses).
 * Either would fail deep inside, as our error instead of the client's. Walks the parsed input
 * without recursion (a deeply nested body must not overflow the stack).
 */
@Injectable()
export class StorableTextGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const inputs: [string, unknown][] = [
      ['body', req.body],
      ['query', req.query],
      ['path', req.params],
    ];
    for (const [name, input] of inputs) {
      const found = unstorableText(input, name);
      if (found)
        throw new InvalidInputError(
          found.nul
            ? 'A text you entered holds an invisible control character (NUL) that cannot be stored. Type the text again instead of pasting it, then save.'
            : 'A text you entered holds a broken character (invalid Unicode) that cannot be stored. Type the text again instead of pasting it, then save.',
          // Where, for programs; a person is told what to do instead of a path.
          { at: found.at },
        );
    }
    return true;
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Where the first string (value or key) PostgreSQL cannot store is (`whole`: the input itself). */
export function unstorableText(input: unknown, whole: string): { at: string; nul: boolean } | null {
  const bad = (s: string) =>
    s.includes('\0') ? { nul: true } : LONE_SURROGATE.test(s) ? { nul: false } : null;
  const stack: [unknown, string][] = [[input, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      const found = bad(value);
      if (found) return { at: path || whole, ...found };
    } else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const found = bad(key);
        const at = path ? `${path}.${key}` : key;
        if (found)
          return {
            at: at.replace(/\0/g, '\\u0000').replace(new RegExp(LONE_SURROGATE, 'g'), '\uFFFD'),
            ...found,
          };
        stack.push([child, at]);
      }
    }
  }
  return null;
}
