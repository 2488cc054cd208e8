import { afterEach, describe, expect, it, vi } from 'vitest';
import { LIVE_EVENT_NAMES, openLiveEvents } from './events';

class FakeEventSource {
  static last: FakeEventSource | null = null;
  listeners = new Map<string, (ev: MessageEvent) => void>();
  onopen: (() => void) | null = null;
  closed = false;
  constructor(
    public url: string,
    public init: EventSourceInit,
  ) {
    FakeEventSource.last = this;
  }
  addEventListener(name: string, fn: (ev: MessageEvent) => void) {
    this.listeners.set(name, fn);
  }
  removeEventListener(name: string) {
    this.listeners.delete(name);
  }
  close() {
    this.closed = true;
  }
  emit(name: string, data: string) {
    this.listeners.get(name)?.(new MessageEvent(name, { data }));
  }
}

describe('openLiveEvents', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('parses named events, reports reconnects and closes', () => {
    vi.stubGlobal('EventSource', FakeEventSource);
    const onEvent = vi.fn();
    const onReconnect = vi.fn();
    const close = openLiveEvents(onEvent, onReconnect);
    const es = FakeEventSource.last!;
    expect(es.url).toBe('/api/events');
    expect(es.init.withCredentials).toBe(true);

    es.emit('notification.created', '{"notification":{"id":3,"title":"Call Dana"}}');
    es.emit('activity.created', 'not json');
    expect(onEvent).toHaveBeenNthCalledWith(1, 'notification.created', { notification: { id: 3, title: 'Call Dana' } });
    expect(onEvent).toHaveBeenNthCalledWith(2, 'activity.created', {});

    es.onopen?.();
    expect(onReconnect).not.toHaveBeenCalled();
    es.onopen?.();
    expect(onReconnect).toHaveBeenCalledTimes(1);

    close();
    expect(es.closed).toBe(true);
    expect(es.listeners.size).toBe(0);
  });

  it('listens to message status changes (delivery ticks)', () => {
    vi.stubGlobal('EventSource', FakeEventSource);
    expect(LIVE_EVENT_NAMES).toContain('message.status');
    const onEvent = vi.fn();
    const close = openLiveEvents(onEvent);
    FakeEventSource.last!.emit('message.status', '{"lead_id":7,"message_id":3,"status":"read","error_code":null}');
    expect(onEvent).toHaveBeenCalledWith('message.status', {
      lead_id: 7,
      message_id: 3,
      status: 'read',
      error_code: null,
    });
    close();
  });
});
