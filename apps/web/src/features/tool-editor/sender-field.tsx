import { Controller, useFormContext } from 'react-hook-form';
import { parseSenderKey, senderKey, type Sender, type ToolDefinition } from '@sms-seq/engine';
import { Button, Field } from '@sms-seq/ui';
import type { Senders } from '../../api/api.types';
import { useEditor } from './editor-context';
import { fieldMessages } from './problem-index';
import { senderOption } from './sender-option';

export interface SenderFieldProps {
  /** The account's numbers and messaging services; undefined while they load. */
  senders: Senders | undefined;
  /** Why the senders could not be loaded, shown as the field's hint. */
  sendersError: string | null;
  /** The sender the form holds now (its snapshot), for the sticky-sender warning. */
  sender: Sender | null | undefined;
  /** "+": buy a new number. */
  onBuy: () => void;
}

/** Which Twilio number or messaging service sends the texts, with "+" to buy a number. */
export function SenderField({ senders, sendersError, sender, onBuy }: SenderFieldProps) {
  const { control } = useFormContext<ToolDefinition>();
  const { problems } = useEditor();
  const messages = fieldMessages(problems.at('sender'));
  const selectedService = senders?.messagingServices.find(
    (service) => sender?.kind === 'messaging_service' && service.sid === sender.messagingServiceSid,
  );
  return (
    <Controller
      control={control}
      name="sender"
      render={({ field }) => (
        <Field
          label="Which Twilio phone number would you like to use?"
          hint={
            sendersError ??
            'A number of your Twilio account, or a messaging service. “+” buys a new number.'
          }
          {...messages}
          warning={
            [
              messages.warning,
              selectedService && !selectedService.stickySender
                ? 'Turn on Sticky Sender for this messaging service in Twilio, so every step comes from the same number.'
                : null,
            ]
              .filter(Boolean)
              .join(' ') || null
          }
          action={
            <Button
              size="small"
              aria-label="Buy a new phone number"
              title="Buy a new phone number"
              onClick={onBuy}
            >
              +
            </Button>
          }
        >
          {(props) => (
            <select
              {...props}
              data-path="sender"
              className="ui-input"
              value={senderOption(field.value)}
              onChange={(e) => field.onChange(parseSenderKey(e.target.value))}
            >
              <option value="">{senders ? 'Choose a number…' : 'Loading numbers…'}</option>
              {senders?.phoneNumbers.length ? (
                <optgroup label="Phone numbers">
                  {senders.phoneNumbers.map((number) => (
                    <option
                      key={number.sid}
                      value={senderKey({ kind: 'phone_number', phoneNumber: number.phoneNumber })}
                    >
                      {number.phoneNumber}
                      {number.friendlyName && number.friendlyName !== number.phoneNumber
                        ? ` — ${number.friendlyName}`
                        : ''}
                    </option>
                  ))}
                </optgroup>
              ) : null}
              {senders?.messagingServices.length ? (
                <optgroup label="Messaging services">
                  {senders.messagingServices.map((service) => (
                    <option
                      key={service.sid}
                      value={senderKey({
                        kind: 'messaging_service',
                        messagingServiceSid: service.sid,
                      })}
                    >
                      {service.friendlyName}
                    </option>
                  ))}
                </optgroup>
              ) : null}
              {field.value && senders && !senderKnown(field.value, senders) ? (
                <option value={senderOption(field.value)}>
                  {senderAddress(field.value)} (not in your Twilio account)
                </option>
              ) : null}
            </select>
          )}
        </Field>
      )}
    />
  );
}

function senderKnown(sender: Sender, list: Senders): boolean {
  return sender.kind === 'phone_number'
    ? list.phoneNumbers.some((number) => number.phoneNumber === sender.phoneNumber)
    : list.messagingServices.some((service) => service.sid === sender.messagingServiceSid);
}

/** The number, or the messaging service's SID. */
function senderAddress(sender: Sender): string {
  return sender.kind === 'phone_number' ? sender.phoneNumber : sender.messagingServiceSid;
}
