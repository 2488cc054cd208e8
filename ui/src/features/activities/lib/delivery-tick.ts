/** The delivery mark of an outgoing message (its own module: the entry's first view uses it too). */
export type Tick = {
  /** What the mark says, also the i18n key under `delivery.` and a test hook. */
  state: 'pending' | 'sent' | 'delivered' | 'read' | 'failed';
  /** ✓ or ✓✓, a clock while waiting, ✗ on failure. */
  symbol: '🕓' | '✓' | '✓✓' | '✗';
  color: 'gray' | 'blue' | 'red';
};

/**
 * WhatsApp-style delivery mark of an outgoing message: one grey tick sent, two
 * grey delivered, two blue read, red failed; a clock until the provider took it.
 * Incoming messages (`received`) and unknown statuses have none.
 */
export function deliveryTick(status: string | null | undefined): Tick | null {
  switch (status) {
    case 'pending':
    case 'queued':
      return { state: 'pending', symbol: '🕓', color: 'gray' };
    case 'sent':
      return { state: 'sent', symbol: '✓', color: 'gray' };
    case 'delivered':
      return { state: 'delivered', symbol: '✓✓', color: 'gray' };
    case 'read':
      return { state: 'read', symbol: '✓✓', color: 'blue' };
    case 'failed':
      return { state: 'failed', symbol: '✗', color: 'red' };
    default:
      return null;
  }
}
