import {
  estimateSendCost,
  listMergeTokens,
  messageSmsFacts,
  type MessagePrices,
} from '@sms-seq/engine';

/** Twilio's US list prices; the line says it is an estimate and which prices it uses. */
export const US_PRICES: MessagePrices = { perSegment: 0.0083, perMms: 0.022 };

/**
 * Per message: encoding, segment count and the estimated cost of one send, counted on the text a
 * contact gets (merge fields filled in, here for a contact with none: fallbacks or nothing), since
 * the tokens themselves are never sent. The characters change on every keystroke, so the line
 * itself is not a live region; a hidden polite one says only the encoding and the segments, which
 * change rarely and cost money when they do.
 */
export function MessageFacts({ message, mediaCount }: { message: string; mediaCount: number }) {
  const facts = messageSmsFacts(message, null);
  const cost = estimateSendCost(facts.body, mediaCount, US_PRICES);
  const hasMergeFields = listMergeTokens(message).length > 0;
  const segments = `${facts.segments} ${facts.segments === 1 ? 'segment' : 'segments'}`;
  return (
    <p className="message-facts">
      <span title="GSM-7 fits 160 characters in one segment; one emoji or special character switches the whole text to UCS-2 (70).">
        {facts.encoding}
      </span>
      <span>
        {facts.characters} characters · {segments}
      </span>
      <span>
        ≈ ${cost.cost.toFixed(4)} per send ({cost.kind === 'mms' ? 'MMS' : 'SMS'}, US prices)
      </span>
      {facts.nonGsmCharacters.length > 0 ? (
        <span className="warn-text">UCS-2 because of: {facts.nonGsmCharacters.join(' ')}</span>
      ) : null}
      {hasMergeFields ? (
        <span className="muted">counted with merge fields empty; their values add to it</span>
      ) : null}
      <span className="ui-visually-hidden" aria-live="polite">
        {facts.encoding}, {segments}
      </span>
    </p>
  );
}
