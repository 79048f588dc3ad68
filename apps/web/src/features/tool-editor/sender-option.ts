import { senderKey, type Sender, type SenderKey } from '@sms-seq/engine';

/**
 * A sender as the value of the sender <select>: the engine's sender key (`parseSenderKey` reads
 * it back), or '' for none chosen, the select's empty option.
 */
export function senderOption(sender: Sender | null | undefined): SenderKey | '' {
  return sender ? senderKey(sender) : '';
}
