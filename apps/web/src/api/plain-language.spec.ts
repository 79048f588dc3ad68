import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  PROBLEM_CODES,
  parseToolDefinition,
  schemaProblems,
  toolDefinitionSchema,
  validateTool,
  type Problem,
  type ToolDefinition,
  type ValidationContext,
} from '@sms-seq/engine';
import { aTool, between, compareTo, decideBy, equalsAny, finish } from '@sms-seq/engine/testing';
import { ApiError, apiRequest, errorMessage } from './api-client';

/**
 * Plain language everywhere: every error code the API documents and every problem the engine
 * reports reaches the marketer as a sentence they can act on — no field keys or paths, no
 * patterns, no ids, no words about how the app is built.
 */

/** Why a sentence is not one a marketer can act on; empty when it is. */
function faults(sentence: string): string[] {
  const text = sentence.trim();
  const found: string[] = [];
  if (!/^[A-Z“"]/.test(text)) found.push('does not start with a capital');
  if (!/[.!?][”")]?$/.test(text)) found.push('does not end as a sentence');
  // What is quoted ("Phone 1", "contactId" in a campaign's form) or a merge field is spelled as
  // the marketer sees it, so only the rest is judged.
  const bare = text.replace(/"[^"]*"|“[^”]*”|~[^~\s]*~?/g, '""');
  if (/\b[a-z][A-Za-z]+\.(\d+|[a-z][A-Za-z]+)\b|›/.test(bare)) found.push('a path');
  if (/(^|[^\w])_[A-Za-z]/.test(bare)) found.push('a raw custom field key');
  if (/\b[a-z]{2,}[A-Z]\w*/.test(bare)) found.push('a camelCase key');
  if (/\b[a-z]+_[a-z_]+\b/.test(bare)) found.push('a snake_case key or code');
  if (/\\[dwsu]|\[\^?[^\]]*-[^\]]*\]|\{\d+(,\d*)?\}|\(\?[:=!<]|\/\^|\$\//.test(bare))
    found.push('a regular expression');
  if (/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.test(bare))
    found.push('a UUID');
  // A Twilio SID the marketer chose in their Twilio console is fine when named as such.
  const namedSids = /Twilio/.test(bare)
    ? bare.replace(/\b(AC|PN|MG|SK)[0-9a-f]{32}\b/gi, '')
    : bare;
  if (/\b[0-9a-f]{16,}\b/i.test(namedSids)) found.push('an internal id');
  const jargon =
    /\b(field name|field key|regex|regular expression|schema|JSON path|null|undefined|NaN|uuid|zod|enum|boolean|payload|exception|IANA|E\.164|CSRF|HTTP \d{3}|Intl)\b/i.exec(
      bare,
    );
  if (jargon) found.push(`speaks of the implementation ("${jargon[0]}")`);
  return found;
}

const openApi = JSON.parse(
  readFileSync(path.resolve(__dirname, '..', '..', '..', 'api', 'openapi.json'), 'utf8'),
) as {
  components: {
    schemas: {
      ErrorBody: {
        properties: {
          error: { properties: { code: { anyOf: { enum?: string[]; pattern?: string }[] } } };
        };
      };
    };
  };
};
const codeSchema = openApi.components.schemas.ErrorBody.properties.error.properties.code;
const documentedCodes = codeSchema.anyOf.flatMap((choice) => choice.enum ?? []);
const documentedPatterns = codeSchema.anyOf.flatMap((choice) => choice.pattern ?? []);

/**
 * What the API answers with for each code, as its services word it (sample values filled in). The
 * test below fails when a documented code is missing here, so a new code must bring its sentences.
 */
const API_ANSWERS: Record<string, string[]> = {
  invalid_input: [
    'The request holds a value the console never sends. Reload the page and try again.',
    'Give the tool a name.',
    'The tool name is too long. Keep it to at most 120 characters.',
    'Give the tag a name.',
    'Say whether to create the tags this Keap app does not have.',
    'The Keap names in the file cannot be read. Export the tool again and import the new file.',
    'Name the new field.',
    'The new field’s name is too long. Keep it to at most 100 characters.',
    'Choose what the new field holds: text, a whole number, a decimal number, a date or a choice from a list.',
    'List the choices the new field offers, at least one.',
    'Only a field with a choice from a list has choices. Remove them or change its type.',
    'Each choice of the list must differ from the others.',
    'A choice of the list is empty. Remove it or write it out.',
    'A choice of the list is too long. Keep each to at most 100 characters.',
    'Write each choice of the list as text.',
    'Write the choices of the list one under another.',
    'A list holds at most 100 choices.',
    'That is not a Twilio Account SID (AC followed by 32 letters and digits). Copy it again from the Twilio Console (Account info).',
    'Enter the Auth Token: it checks that texts reaching this app really come from Twilio.',
    'That is not a Twilio API key SID (SK followed by 32 letters and digits). Copy it again from the Twilio Console (API keys).',
    'Enter the API key secret (shown once when the key was created in the Twilio Console), or leave the API key SID empty.',
    'Enter the API key SID (SK…) that goes with this secret, or leave the secret empty.',
    'Choose a country from the list.',
    'An area code is up to 5 digits, such as 415. Type only the digits.',
    'That is not a phone number in international form (such as +15551234567). Pick a number from the list.',
    'That is not a Twilio phone number SID (PN followed by 32 hex digits). Reload Connections and try again.',
    'That is not a date. Pick a date such as 2026-01-31.',
    'Pick a date from 1970 to 9999.',
    'That tool is not one of yours. Pick a tool from the list.',
    'Pick a status from the list.',
    'Type a phone number, a name or words from the texts to search for.',
    'The search is too long. Search with at most 200 characters.',
    'A text you entered holds an invisible control character (NUL) that cannot be stored. Type the text again instead of pasting it, then save.',
    'A text you entered holds a broken character (invalid Unicode) that cannot be stored. Type the text again instead of pasting it, then save.',
    'Your computer’s time zone is not one the server can read, so today’s conversations cannot be counted. Set it to a named time zone such as America/New York, then reload the page.',
    'The step to start the simulation at is no longer in this tool. Choose another step.',
    'This browser’s sign-in cookie was not set by this app, so the sign-in cannot be checked. Connect Keap again from the console.',
    'This Twilio account is already connected to another Keap app. Connect a different Twilio account, or disconnect it from the other Keap app first.',
  ],
  invalid_json: [
    'What was sent could not be read (it is not valid JSON). Reload the page and try again.',
  ],
  payload_too_large: [
    'What was sent is too large (over 100 kB; a tool fits in well under that). Shorten it and try again.',
    'The request body is too large for a Twilio webhook.',
  ],
  unauthorized: [
    'Sign in: connect Keap to open the console.',
    'The queue dashboard needs the operators’ user name and password.',
  ],
  forbidden: [
    'This page lost track of your sign-in, so the change was not made. Reload the page and try again.',
  ],
  rate_limited: [
    'Too many requests from your address. Try again in 30 seconds.',
    'Too many requests from your address. Try again in 1 second.',
  ],
  internal: ['Something went wrong on our side. Please try again.'],
  not_ready: [
    'Not ready: PostgreSQL and Redis do not answer. Texts Twilio sends meanwhile are retried or fetched back later.',
  ],
  account_not_found: [
    'The account was not found. It may have been deleted: reload the page to see what is there.',
  ],
  tool_not_found: [
    'The tool was not found. It may have been deleted: reload the page to see what is there.',
    'No tool has this URL. Copy the tool URL again from the tool’s page in the console.',
  ],
  tool_version_not_found: [
    'The tool version was not found. It may have been deleted: reload the page to see what is there.',
  ],
  conversation_not_found: [
    'The conversation was not found. It may have been deleted: reload the page to see what is there.',
  ],
  tool_has_problems: [
    'The tool has 1 problem to fix before it can be published.',
    'The tool has 3 problems to fix before it can be published.',
  ],
  invalid_tool_definition: ['The tool was not saved: it has 2 problems to fix first.'],
  stale_draft: [
    'Someone saved this tool since you opened it. Reload to see their changes, then edit again.',
  ],
  nothing_to_publish: [
    'Nothing changed since version 3 went live, so there is nothing to publish. Edit the draft first.',
  ],
  nothing_to_discard: [
    'This tool has never been published, so there is no live version to go back to. Edit the draft instead.',
  ],
  keyword_taken: [
    'Another published tool already uses the keyword "BLUE" on this sender. Choose another keyword.',
  ],
  sender_not_in_twilio_account: [
    'The number +15551234567 is not in the Twilio account connected to this Keap app, so the tool cannot text from it. Choose one of your own numbers or messaging services under Sender (Connections lists them), then publish again.',
    `The messaging service MG${'0'.repeat(31)}1 is not in the Twilio account connected to this Keap app, so the tool cannot text from it. Choose one of your own numbers or messaging services under Sender (Connections lists them), then publish again.`,
  ],
  import_needs_choices: [
    'This tool comes from another Keap app. Choose whether to create the tags it lacks and which of its fields to use, then import it again.',
    'This tool comes from another Keap app. Choose which of its fields to use, then import it again.',
    'This tool comes from another Keap app. Choose whether to create the tags it lacks, then import it again.',
  ],
  template_not_found: [
    'The template was not found. It may have been deleted: reload the page to see what is there.',
  ],
  invalid_contact_id: [
    'The campaign sent no contact id. In its "Send HTTP Post", add the name "contactId" with the value "~Contact.Id~".',
    'The campaign sent "abc" as the contact id, which is not a Keap contact id (a whole number). In its "Send HTTP Post", give "contactId" the value "~Contact.Id~".',
  ],
  unknown_step: ['This tool has no step "nowhere". Its steps are: "Welcome", "Ask for feedback".'],
  tool_not_published: [
    'This tool is not published yet. Publish it in the console, then run the campaign again.',
  ],
  tool_disabled: ['This tool is switched off. Switch it on in the console to start conversations.'],
  account_disconnected: [
    'The Keap account of this tool is disconnected (Keap refused our access, even with a fresh token). Reconnect Keap in the console, then run the campaign again.',
  ],
  keap_unavailable: [
    'Keap did not answer. Nothing was changed; try again in a minute.',
    'Keap is busy and asked us to slow down. Try again in a minute.',
    'Keap’s daily API allowance is used up until 00:00 UTC. Try again later.',
    'Keap made the field but does not list it yet. Refresh the field list in a minute to pick it.',
  ],
  keap_app_misconfigured: [
    "Keap refused this app's own credentials, so nothing could be read from Keap. The fault is with the app's set-up, not with your Keap account, which stays connected: tell the app's administrator, then try again.",
  ],
  keap_disconnected: [
    'Keap is disconnected for this account: Keap refused our access, even with a fresh token. Connect Keap again to continue.',
  ],
  keap_forbidden: [
    'Keap did not allow this for the Keap user who connected the app: Permission denied. Ask a Keap administrator to give that user the permission, or connect Keap as a user who has it. Your Keap connection is kept.',
  ],
  keap_not_found: ['Keap does not have that record (any more). Reload and try again.'],
  keap_unknown_field: [
    'Keap has no contact field "_FavoriteColor". Refresh the field list and pick another.',
  ],
  keap_refused: [
    'Keap refused the request: The email address is not valid. Check what you entered, then try again.',
  ],
  keap_field_exists: [
    'There is already a field called “Shoe size”. Pick it from the list, or give the new field another name.',
  ],
  twilio_not_connected: [
    'Twilio is not connected for this account. Connect Twilio under Connections.',
  ],
  twilio_credentials_rejected: [
    'Twilio did not accept this API key: check the API key SID (SK…) and its secret (shown once when the key was created in the Twilio Console), and try again.',
    'Twilio did not accept this Account SID and Auth Token. Copy both again from the Twilio Console (Account info) and try again. The Auth Token is needed even with an API key: it checks that texts reaching this app really come from Twilio.',
    'Twilio rejected the saved credentials: they were changed or revoked in Twilio. Enter the current ones under Connections, Twilio, "Change credentials".',
  ],
  twilio_number_not_found: [
    `Twilio has no phone number PN${'9'.repeat(32)} on the connected Twilio account: it may have been released, or belong to another Twilio account. Reload Connections to see the account's numbers.`,
    'The number +15551234567 on your Twilio account was not found. It may have been deleted: reload the page to see what is there.',
  ],
  twilio_service_not_found: [
    `Twilio has no messaging service MG${'9'.repeat(32)} on the connected Twilio account: it may have been deleted, or belong to another Twilio account. Reload Connections to see the account's messaging services.`,
  ],
  twilio_unavailable: [
    'Twilio could not do that just now. Try again in a minute.',
    'Twilio did not list the account’s numbers, so this text could not be checked yet. Twilio will deliver it again.',
  ],
  twilio_refused: [
    'Twilio would not sell +15551234567: that number is no longer available. Pick another number.',
    'Twilio would not sell +15551234567: The number is reserved (Twilio error 21999). Pick another number, or check the Twilio account in the Twilio Console.',
  ],
  invalid_signature: [
    'The request signature is missing or does not match; it did not come from the connected Twilio account.',
  ],
  invalid_account_sid: [
    'The webhook’s "AccountSid" is missing or is not a Twilio account SID (AC followed by 32 hex digits), so it was not accepted.',
  ],
  invalid_webhook_field: [
    'The webhook’s "MessageSid" is longer than any Twilio webhook sends (at most 64 characters), so it was not accepted.',
  ],
  sender_not_in_account: [
    'The text was sent to a number or messaging service that is not in the Twilio account that signed this request, so it was refused.',
  ],
};

/** What the API says for requests refused before any route handles them (code `http_<status>`). */
const HTTP_STATUS_ANSWERS: [number, string][] = [
  [404, 'There is nothing at this address. Reload the console and try again.'],
  [405, 'This address does not take that kind of request. Reload the console and try again.'],
  [400, 'The request was refused. Reload the page and try again.'],
];

/** What the console shows for an answer: the request goes through the console's one API client. */
async function shownFor(status: number, body: string): Promise<{ shown: string; code: string }> {
  const fetchBefore = global.fetch;
  global.fetch = jest.fn(() =>
    Promise.resolve(
      new Response(body, { status, headers: { 'content-type': 'application/json' } }),
    ),
  ) as typeof fetch;
  try {
    await apiRequest('/api/anything');
  } catch (error) {
    return { shown: errorMessage(error), code: error instanceof ApiError ? error.code : '' };
  } finally {
    global.fetch = fetchBefore;
  }
  throw new Error('the request did not fail');
}

describe('every error code the API documents', () => {
  it('is read from the OpenAPI document, with the http_<status> codes as a pattern', () => {
    expect(documentedCodes).toEqual(expect.arrayContaining(['invalid_input', 'tool_not_found']));
    expect(documentedPatterns.map((pattern) => new RegExp(pattern).test('http_404'))).toEqual([
      true,
    ]);
  });

  it('has the sentences the API answers with here, and none for a code no longer documented', () => {
    const listed = Object.keys(API_ANSWERS);
    expect({
      missing: documentedCodes.filter((code) => !listed.includes(code)),
      undocumented: listed.filter((code) => !documentedCodes.includes(code)),
    }).toEqual({ missing: [], undocumented: [] });
  });

  const answers = Object.entries(API_ANSWERS).flatMap(([code, messages]) =>
    messages.map((message) => [code, message] as const),
  );
  it.each(answers)(
    '%s: the console shows %j as a sentence a marketer can act on',
    async (code, message) => {
      const { shown, code: kept } = await shownFor(
        400,
        JSON.stringify({ error: { code, message } }),
      );
      expect({ kept, shown, faults: faults(shown) }).toEqual({
        kept: code,
        shown: message,
        faults: [],
      });
    },
  );

  it.each(HTTP_STATUS_ANSWERS)(
    'http_%i: the console shows %j as such a sentence',
    async (status, message) => {
      const code = `http_${status}`;
      expect(documentedPatterns.some((pattern) => new RegExp(pattern).test(code))).toBe(true);
      const { shown } = await shownFor(status, JSON.stringify({ error: { code, message } }));
      expect({ shown, faults: faults(shown) }).toEqual({ shown: message, faults: [] });
    },
  );

  it.each([401, 403, 404, 418, 502])(
    'an answer %i without a message still gets a sentence from the console',
    async (status) => {
      const { shown } = await shownFor(status, '<html>Bad Gateway</html>');
      expect(faults(shown)).toEqual([]);
    },
  );
});

/** Tools that, between them, have every problem the engine reports. */
function everyProblem(): Problem[] {
  const judge = (tool: ToolDefinition, context: ValidationContext = {}) =>
    validateTool(tool, context);
  const optOut = 'Text STOP to stop.';
  const media = (n: number) => Array.from({ length: n }, (_, i) => `https://x.test/${i}.png`);
  return [
    // no_steps, sender_missing, keyword_missing
    ...judge(aTool().with({ sender: null, keyword: '' }).build()),
    ...judge(aTool().with({ sender: null }).build(), { purpose: 'draft' }),
    // keyword_reserved, phone_field_not_phone, opt_out_language_missing, unreachable_step
    ...judge(
      aTool()
        .with({ keyword: 'STOP', phoneField: 'Email' })
        .withStep('a', { message: 'Hello', next: finish() })
        .withStep('b', { message: 'Started by a campaign', next: finish() })
        .build(),
    ),
    // keyword_taken
    ...judge(aTool().withStep('a', { message: optOut, next: finish() }).build(), {
      otherKeywordsOnSender: ['blue'],
    }),
    // email_first_step, merge_field_before_contact
    ...judge(
      aTool()
        .collectingEmailFirst()
        .withStep('a', { message: `Hi ~Contact.FirstName~. ${optOut}`, next: finish() })
        .build(),
    ),
    // no_finish
    ...judge(
      aTool()
        .withStep('loop', { message: optOut, next: decideBy([], { stepId: 'loop' }) })
        .build(),
    ),
    // duplicate_step_id, missing_step, trap_loop, the conditions' warnings
    ...judge(
      aTool()
        .withStep('a', {
          name: 'Ask',
          message: `Pick one. ${optOut}`,
          next: decideBy(
            [
              equalsAny([]),
              equalsAny(['STOP', '*help*']),
              between(['gt', 10], ['lt', 5]),
              compareTo('gt', { field: '_Budget' }, { goTo: 'gone' }),
              equalsAny(['*'], { goTo: 'a' }),
              equalsAny(['yes'], { goTo: 'a' }),
            ],
            { stepId: 'elsewhere' },
          ),
        })
        .withStep('a', { message: `Again. ${optOut}`, next: decideBy([], { stepId: 'a' }) })
        .withStep('loop', { message: optOut, next: decideBy([], { stepId: 'loop' }) })
        .build(),
      { customFieldKeys: [] },
    ),
    // The texts: length, media, merge fields
    ...judge(
      aTool()
        .withStep('texts', {
          message: `~Contact.Firstname~ ~Contact._Color~ ~Account.Name~ ~Owner.Email|our team~ ~contact.FirstName~ ~Contact.First Name~ ~Contact.~ ~Contact.FirstName Contact.LastName~ ${optOut}`,
          mediaUrls: [
            ...media(9),
            'not a web address',
            'ftp://x.test/a.png',
            'https://x.test/a.gif',
          ],
          saveTo: '_Mood',
          next: decideBy([compareTo('lt', { field: 'Id' })], { stepId: null }),
        })
        .withStep('long', { message: 'a'.repeat(1601), next: finish() })
        .withStep('merged', { message: `${'a'.repeat(1580)}~Contact.FirstName~`, next: finish() })
        .withStep('blank', { message: '   ', next: finish() })
        .withStep('only-fields', { message: '~Contact.FirstName~', next: finish() })
        .withStep('read-only', { message: optOut, saveTo: 'Id', next: finish() })
        .withStep('misspelt', { message: optOut, saveTo: 'firstname', next: finish() })
        .withOptions({
          expiryMinutes: 60,
          reminderMinutesBeforeExpiry: 60,
          // Goal names Keap's campaign builder would not take: one missing, one with a space.
          optOutGoal: { integration: '', callName: 'booked call' },
        })
        .build(),
      { customFieldKeys: ['_Size'] },
    ),
    // The schema: an import file, and the editor's form half filled in
    ...parseToolDefinition({
      name: ' ',
      keyword: 5,
      startMode: 'sometimes',
      sender: { kind: 'pigeon' },
      steps: [
        {
          id: 'a b',
          name: 'x'.repeat(200),
          saveTo: 'Favorite Color',
          validation: 'maybe',
          next: {
            kind: 'decide',
            conditions: [
              { id: 'c', kind: 'compare', op: 'lt', value: { source: 'field', field: '' } },
              { id: 'd', kind: 'equals_any', values: 'yes' },
            ],
            fallbackStepId: '',
          },
        },
      ],
      options: {
        maxReasks: 9,
        expiryMinutes: 0,
        reminderMinutesBeforeExpiry: 2.5,
        sendWindow: { start: '9am', end: '17:00' },
      },
    }).problems,
    ...parseToolDefinition('not a tool').problems,
    ...schemaProblems(
      toolDefinitionSchema.safeParse({ name: 'Form', options: { expiryMinutes: Number.NaN } })
        .error!,
    ),
  ];
}

describe('every problem the engine reports', () => {
  const problems = everyProblem();

  it('is among the problems of the tools above', () => {
    const seen = new Set(problems.map((problem) => problem.code));
    expect(PROBLEM_CODES.filter((code) => !seen.has(code))).toEqual([]);
  });

  it.each(problems.map((problem) => [problem.code, problem.message] as const))(
    '%s: %j is a sentence a marketer can act on',
    (_code, message) => {
      expect({ message, faults: faults(message) }).toEqual({ message, faults: [] });
    },
  );
});

describe('the rules themselves', () => {
  it.each([
    'steps.0.saveTo: must be a Keap contact field name such as FirstName or _MyCustomField',
    'must be a Twilio Account SID (AC followed by 32 hex digits)',
    'The step c4 no longer exists: deleted 7f3a9c2e4b1d8a6f.',
    'The value must match /^[A-Za-z]+$/.',
    'The conversation 0b6f2f5e-8a4b-4a47-9a5e-3f6c7d1e2a10 was not found.',
    'Save the reply to _FavoriteColor.',
    'The startStepId is unknown.',
    'The request failed (HTTP 418).',
  ])('finds the fault in %j', (message) => {
    expect(faults(message)).not.toEqual([]);
  });
});
