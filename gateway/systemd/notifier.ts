import { execFile } from 'node:child_process';
import type { Logger } from 'pino';

/**
 * sd_notify for a service with `NotifyAccess=all`: READY=1, WATCHDOG=1,
 * STATUS=..., STOPPING=1 through the `systemd-notify` tool. Outside systemd
 * (no NOTIFY_SOCKET) it does nothing.
 */
export class SystemdNotifier {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get active(): boolean {
    return Boolean(this.env.NOTIFY_SOCKET);
  }

  /** The watchdog interval systemd asked for (WATCHDOG_USEC), halved as sd_watchdog_enabled advises; 0 = none. */
  watchdogIntervalMs(): number {
    const usec = Number(this.env.WATCHDOG_USEC ?? 0);
    const pid = this.env.WATCHDOG_PID;
    if (!usec || (pid && Number(pid) !== process.pid)) return 0;
    return Math.max(Math.floor(usec / 2000), 100);
  }

  notify(...assignments: string[]): void {
    if (!this.active) return;
    execFile('systemd-notify', [`--pid=${process.pid}`, ...assignments], (err) => {
      if (err) this.log.warn({ err, assignments }, 'systemd-notify failed');
    });
  }

  ready(status: string): void {
    this.notify('--ready', `STATUS=${status}`);
  }

  /**
   * Pings the watchdog while `healthy()` says the daemon's loop is alive; a
   * stalled loop stops the pings and systemd restarts the service.
   */
  startWatchdog(healthy: () => boolean): void {
    const every = this.watchdogIntervalMs();
    if (!this.active || every === 0) return;
    this.timer = setInterval(() => {
      if (healthy()) this.notify('WATCHDOG=1');
      else this.log.error('health check failed: not pinging the watchdog');
    }, every);
    this.timer.unref();
  }

  stopping(): void {
    if (this.timer) clearInterval(this.timer);
    this.notify('STOPPING=1');
  }
}
