import { senderInWords, type Sender } from '@sms-seq/engine';

/** A tool's sender in the tools list: "+14155550100", "Messaging service MG…" or "Not chosen". */
export function describeSender(sender: Sender | null | undefined): string {
  if (!sender) return 'Not chosen';
  const words = senderInWords(sender);
  return words.charAt(0).toUpperCase() + words.slice(1);
}
