import { useState, type FormEvent } from 'react';
import { Alert, Button, Dialog, EmptyState, Field, Loading } from '@sms-seq/ui';
import { errorMessage } from '../../api/api-client';
import type { TwilioPhoneNumber } from '../../api/api.types';
import { useAvailableNumbers, useBuyNumber, type NumberSearch } from '../../api/use-twilio';

export interface BuyNumberDialogProps {
  open: boolean;
  onClose: () => void;
  onBought?: (number: TwilioPhoneNumber) => void;
}

/** "+" next to the sender: search Twilio's available numbers and buy one, without leaving the page. */
export function BuyNumberDialog({ open, onClose, onBought }: BuyNumberDialogProps) {
  const [draft, setDraft] = useState<NumberSearch>({ country: 'US', areaCode: '', type: 'local' });
  const [search, setSearch] = useState<NumberSearch | null>(null);
  const numbers = useAvailableNumbers(open ? search : null);
  const buy = useBuyNumber();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSearch({ ...draft });
  };
  return (
    <Dialog open={open} onClose={onClose} title="Buy a Twilio phone number">
      <form className="stack" onSubmit={submit}>
        <p className="muted">
          The number is bought in your Twilio account (Twilio bills it monthly) and connected to
          this app at once.
        </p>
        <div className="row">
          <Field label="Country">
            {(props) => (
              <select
                {...props}
                className="ui-input"
                value={draft.country}
                onChange={(e) => setDraft({ ...draft, country: e.target.value })}
              >
                <option value="US">United States</option>
                <option value="CA">Canada</option>
                <option value="GB">United Kingdom</option>
                <option value="AU">Australia</option>
              </select>
            )}
          </Field>
          <Field label="Type">
            {(props) => (
              <select
                {...props}
                className="ui-input"
                value={draft.type}
                onChange={(e) =>
                  setDraft({
                    ...draft,
                    type: e.target.value === 'toll_free' ? 'toll_free' : 'local',
                  })
                }
              >
                <option value="local">Local</option>
                <option value="toll_free">Toll-free</option>
              </select>
            )}
          </Field>
          <Field label="Area code (optional)">
            {(props) => (
              <input
                {...props}
                className="ui-input"
                inputMode="numeric"
                value={draft.areaCode}
                onChange={(e) =>
                  setDraft({ ...draft, areaCode: e.target.value.replace(/\D/g, '') })
                }
              />
            )}
          </Field>
        </div>
        <Button type="submit" variant="primary">
          Find numbers
        </Button>
      </form>
      {search === null ? null : numbers.isPending ? (
        <Loading label="Asking Twilio for numbers…" />
      ) : numbers.isError ? (
        <Alert tone="danger">{errorMessage(numbers.error)}</Alert>
      ) : numbers.data.numbers.length === 0 ? (
        <EmptyState title="No numbers found">Try another area code or type.</EmptyState>
      ) : (
        <ul className="list" aria-label="Available numbers">
          {numbers.data.numbers.map((number) => (
            <li key={number.phoneNumber} className="list__item">
              <span>
                <strong>{number.phoneNumber}</strong>{' '}
                <span className="muted">
                  {[number.locality, number.region].filter(Boolean).join(', ')}
                </span>
              </span>
              <Button
                size="small"
                variant="primary"
                busy={buy.isPending && buy.variables === number.phoneNumber}
                disabled={buy.isPending}
                onClick={() =>
                  buy.mutate(number.phoneNumber, {
                    onSuccess: (bought) => {
                      onBought?.(bought);
                      onClose();
                    },
                  })
                }
              >
                Buy
              </Button>
            </li>
          ))}
        </ul>
      )}
      {buy.isError ? <Alert tone="danger">{errorMessage(buy.error)}</Alert> : null}
    </Dialog>
  );
}
