import { describeRouteError, isChunkLoadError } from './route-error-text';

describe('the error screen’s words', () => {
  it('recognises the code of a screen that did not arrive, in each browser’s words', () => {
    for (const message of [
      'Failed to fetch dynamically imported module: http://x/assets/tool-editor-page-1.js',
      'Importing a module script failed.',
      'error loading dynamically imported module',
    ])
      expect(isChunkLoadError(new TypeError(message))).toBe(true);
    expect(
      isChunkLoadError(new TypeError("Cannot read properties of undefined (reading 'id')")),
    ).toBe(false);
    expect(isChunkLoadError('Failed to fetch dynamically imported module')).toBe(false);
  });

  it('says a screen that did not load can be tried again, and a bug is not the marketer’s fault', () => {
    expect(describeRouteError(new TypeError('Importing a module script failed.')).title).toBe(
      'This screen could not be loaded',
    );
    expect(describeRouteError(new Error('boom'))).toEqual({
      title: 'Something went wrong on this screen',
      text: expect.stringContaining('Your saved work is safe'),
    });
  });
});
