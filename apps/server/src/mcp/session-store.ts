import type { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import type { McpServer } from '@modelcontextprotocol/server';

export interface Session {
  id: string;
  server: McpServer;
  transport: NodeStreamableHTTPServerTransport;
  lastSeen: number;
  /** The key that opened the session: later requests must present the same key. */
  keyId: string;
}

/** Why a session ended: the client's DELETE, the idle TTL, the transport closing (client gone), or shutdown. */
export type SessionCloseReason = 'deleted' | 'expired' | 'transport' | 'shutdown';

export interface SessionEvents {
  onCountChange?(count: number): void;
  onOpen?(): void;
  onClose?(reason: SessionCloseReason): void;
}

/**
 * Open Streamable HTTP sessions (2025-11-25; the 2026-07-28 revision has none), with an idle sweeper: clients often
 * disconnect without DELETE, and the SDK has no expiry of its own.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly ttlMs: number,
    private readonly events: SessionEvents = {},
  ) {}

  private onCountChange(count: number): void {
    this.events.onCountChange?.(count);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Sessions open for one key (MCP_MAX_SESSIONS_PER_KEY bounds it). */
  countFor(keyId: string): number {
    let n = 0;
    for (const session of this.sessions.values()) if (session.keyId === keyId) n++;
    return n;
  }

  get(id: string): Session | undefined {
    const session = this.sessions.get(id);
    if (session) session.lastSeen = Date.now();
    return session;
  }

  add(session: Session): void {
    this.sessions.set(session.id, session);
    this.events.onOpen?.();
    this.onCountChange(this.sessions.size);
  }

  remove(id: string): void {
    if (this.sessions.delete(id)) this.onCountChange(this.sessions.size);
  }

  startSweeper(intervalMs = Math.max(1000, Math.min(60_000, Math.floor(this.ttlMs / 4)))): void {
    this.sweeper ??= setInterval(() => void this.sweep(), intervalMs).unref();
  }

  /** Closes sessions idle for longer than the TTL; returns how many it closed. */
  async sweep(now = Date.now()): Promise<number> {
    const stale = [...this.sessions.values()].filter((s) => now - s.lastSeen > this.ttlMs);
    await Promise.all(stale.map((s) => this.close(s.id, 'expired')));
    return stale.length;
  }

  async close(id: string, reason: SessionCloseReason): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    this.remove(id);
    this.events.onClose?.(reason);
    await session.transport.close().catch(() => {});
    await session.server.close().catch(() => {});
  }

  async closeAll(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id, 'shutdown')));
  }
}
