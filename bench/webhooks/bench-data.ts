/**
 * Data shared by the benchmark's orchestrator and its load generator: which phone is which, so
 * the generator can sign a reply for every conversation the orchestrator created without being
 * sent the list.
 */

/** The contact phone of conversation `index` (E.164, New York numbers 212-2xx-xxxx). */
export function phoneOf(index: number): string {
  return `+1212${String(2_000_000 + index)}`;
}
