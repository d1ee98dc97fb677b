// OS notifications. Decision: the renderer asks for them through the preload (`notify`,
// `notifyAlert`), because it already holds the dispatcher's session and the live WebSocket that
// carries SLA breaches and telemetry alerts. Main does not open its own /ws connection: that would
// need a second credential (the host has per-user tokens, no service token) and would double every
// alert while the window is open. The cost: no alerts while the console window is closed to the tray.
export interface NotificationLike {
  on(event: 'click', listener: () => void): unknown;
  show(): void;
}

export type NotificationFactory = (options: {
  title: string;
  body: string;
  urgency?: 'normal' | 'critical';
  timeoutType?: 'default' | 'never';
}) => NotificationLike;

export interface Notifier {
  notify(title: string, body: string): void;
  alert(alert: { kind: 'sla_breach' | 'telemetry_alert'; title: string; body: string; key: string }): boolean;
}

export const ALERT_REPEAT_MS = 60_000;

export function createNotifier(opts: {
  create: NotificationFactory;
  supported: () => boolean;
  onClick: () => void;
  now?: () => number;
}): Notifier {
  const now = opts.now ?? Date.now;
  const recent = new Map<string, number>();
  const show = (options: Parameters<NotificationFactory>[0]) => {
    if (!opts.supported()) return false;
    const n = opts.create(options);
    n.on('click', opts.onClick);
    n.show();
    return true;
  };
  return {
    notify: (title, body) => void show({ title, body }),
    alert: ({ key, title, body }) => {
      const t = now();
      for (const [k, at] of recent) if (t - at >= ALERT_REPEAT_MS) recent.delete(k);
      if (recent.has(key)) return false;
      recent.set(key, t);
      // Critical + never time out: an SLA breach should still be on screen when the dispatcher looks.
      return show({ title, body, urgency: 'critical', timeoutType: 'never' });
    },
  };
}
