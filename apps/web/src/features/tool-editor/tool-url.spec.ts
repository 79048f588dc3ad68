import { toolUrlStartingAt } from './tool-url';

describe('the tool URL that starts at a chosen step', () => {
  const url = 'https://sms.example.com/hooks/tools/0b6f/s3cr3t';

  it('is the tool URL itself for the first step', () => {
    expect(toolUrlStartingAt(url, null)).toBe(url);
  });

  it('names the step in the query the API reads, encoded', () => {
    expect(toolUrlStartingAt(url, 'step-1a2b3c4d')).toBe(`${url}?step=step-1a2b3c4d`);
    expect(toolUrlStartingAt(url, 'a b&c')).toBe(`${url}?step=a+b%26c`);
  });
});
