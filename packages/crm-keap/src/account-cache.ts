import type { KeapAccountCache } from './keap-client';
import type { KeapContactModel } from './keap.types';

/**
 * A `KeapAccountCache` in this process's memory (tests, scripts, a single process): each value
 * is read once per account, and callers asking while it is being read share that read.
 */
export function memoryAccountCache(): KeapAccountCache {
  const models = new Map<string, Promise<KeapContactModel>>();
  const users = new Map<string, Promise<string>>();
  const once = <T>(map: Map<string, Promise<T>>, key: string, read: () => Promise<T>) => {
    let value = map.get(key);
    if (!value) {
      value = read();
      map.set(key, value);
      // A failed read is not kept: the next caller tries again.
      value.catch(() => map.delete(key));
    }
    return value;
  };
  return {
    contactModel(accountId, read, options = {}) {
      if (options.refresh) models.delete(accountId);
      return once(models, accountId, read);
    },
    noteUser(accountId, read) {
      return once(users, accountId, read);
    },
  };
}
