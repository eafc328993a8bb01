import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

export interface Session {
  id: string;
  server: McpServer;
  transport: StreamableHTTPServerTransport;
  lastSeen: number;
  /** The key that opened the session: later requests must present the same key. */
  keyId: string;
}

/**
 * Open Streamable HTTP sessions, with an idle sweeper: clients often disconnect without DELETE, and the SDK has
 * no expiry of its own.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly ttlMs: number,
    private readonly onCountChange: (count: number) => void = () => {},
  ) {}

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
    await Promise.all(stale.map((s) => this.close(s.id)));
    return stale.length;
  }

  async close(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    this.remove(id);
    await session.transport.close().catch(() => {});
    await session.server.close().catch(() => {});
  }

  async closeAll(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
  }
}
