import { isRouteErrorResponse } from 'react-router-dom';

/** What the error screen says for what went wrong: a missing page, code that did not arrive, a bug. */
export function describeRouteError(error: unknown): { title: string; text: string } {
  if (isRouteErrorResponse(error) && error.status === 404)
    return {
      title: 'This page does not exist',
      text: 'The link may be old or mistyped. Go to your tools to find what you were looking for.',
    };
  if (isChunkLoadError(error))
    return {
      title: 'This screen could not be loaded',
      text: 'Part of the console did not arrive: the connection may have dropped, or the console was updated. Check your connection and try again; your saved work is safe.',
    };
  return {
    title: 'Something went wrong on this screen',
    text: 'The console ran into a problem it did not expect. Try again; if it keeps happening, go back and tell us what you were doing. Your saved work is safe.',
  };
}

/** The messages browsers give a dynamic import() whose file did not load. */
export function isChunkLoadError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /dynamically imported module|Importing a module script failed|error loading dynamically imported module|Failed to fetch|Unable to preload CSS/i.test(
    error.message,
  );
}
