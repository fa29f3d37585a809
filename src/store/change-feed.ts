import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { connectRedis } from "./redis.js";
import type { RedisConfig } from "./redis-schema.js";

/** What changed in the control plane: each kind is one in-memory snapshot an instance keeps. */
const KINDS = ["keys", "prompts", "credentials", "alerts", "knowledge"] as const;
export type ChangeKind = (typeof KINDS)[number];

export interface Change {
  kind: ChangeKind;
  /** The names concerned (prompt or credential names, vector store ids); absent: reload the whole kind. */
  names?: string[];
  /** The instance that made it. */
  origin: string;
  at: number;
}

/**
 * How a control-plane change made on one instance reaches the others (docs/scale-out.md). An
 * instance publishes after its write committed; every other instance re-reads that snapshot from
 * the shared store. The feed never carries the data itself — the store is the truth — so a lost or
 * late message costs staleness, never a wrong value, and `onResync` (after a reconnect) re-reads
 * everything that might have been missed.
 */
export interface ChangeFeed {
  readonly instance: string;
  publish(kind: ChangeKind, names?: string[]): void;
  onChange(fn: (c: Change) => void): void;
  /** After the feed was disconnected: reload every snapshot from the store. */
  onResync(fn: () => void): void;
  close(): Promise<void>;
}

/** One instance (SQLite): nothing to tell anyone. */
export class LocalChangeFeed implements ChangeFeed {
  readonly instance = "local";
  publish(): void {}
  onChange(): void {}
  onResync(): void {}
  async close(): Promise<void> {}
}

export interface RedisFeedStats {
  published: number;
  received: number;
  resyncs: number;
  publishErrors: number;
}

/**
 * Redis pub/sub on `<prefix>changes`. Pub/sub, not a stream: messages are invalidations, and the
 * catch-up after a disconnect is a full re-read from the store, which a stream's replay could not
 * replace (a stream trimmed while we were away would lose the gap silently).
 */
export class RedisChangeFeed implements ChangeFeed {
  readonly instance = randomBytes(6).toString("hex");
  readonly stats: RedisFeedStats = { published: 0, received: 0, resyncs: 0, publishErrors: 0 };
  private readonly changeFns: ((c: Change) => void)[] = [];
  private readonly resyncFns: (() => void)[] = [];
  private readonly channel: string;
  private wasDown = false;

  private constructor(private readonly pub: Redis, private readonly sub: Redis, prefix: string, private readonly onError: (err: Error) => void) {
    this.channel = `${prefix}changes`;
    sub.on("message", (channel: string, raw: string) => {
      if (channel !== this.channel) return;
      let c: Change;
      try {
        c = JSON.parse(raw) as Change;
      } catch {
        return;
      }
      if (c.origin === this.instance || !isKind(c.kind)) return;
      this.stats.received++;
      for (const fn of this.changeFns) this.safe(() => fn(c));
    });
    sub.on("close", () => (this.wasDown = true));
    // ioredis re-subscribes on reconnect; what was published meanwhile is gone, so re-read it all.
    sub.on("ready", () => {
      if (!this.wasDown) return;
      this.wasDown = false;
      this.stats.resyncs++;
      for (const fn of this.resyncFns) this.safe(fn);
    });
  }

  static async connect(cfg: RedisConfig, onError: (err: Error) => void): Promise<RedisChangeFeed> {
    const pub = await connectRedis(cfg, "the change feed");
    // The subscriber keeps an offline queue: ioredis re-issues SUBSCRIBE itself after a reconnect.
    const sub = pub.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
    sub.on("error", () => {});
    const feed = new RedisChangeFeed(pub, sub, cfg.key_prefix, onError);
    await sub.subscribe(feed.channel);
    return feed;
  }

  publish(kind: ChangeKind, names?: string[]): void {
    const c: Change = { kind, names, origin: this.instance, at: Date.now() };
    this.stats.published++;
    this.pub.publish(this.channel, JSON.stringify(c)).catch((err: Error) => {
      // Redis is down: the others miss this message and re-read everything when the feed is back.
      this.stats.publishErrors++;
      this.onError(err);
    });
  }

  onChange(fn: (c: Change) => void): void {
    this.changeFns.push(fn);
  }

  onResync(fn: () => void): void {
    this.resyncFns.push(fn);
  }

  async close(): Promise<void> {
    this.sub.disconnect();
    this.pub.disconnect();
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.onError(err as Error);
    }
  }
}

function isKind(k: unknown): k is ChangeKind {
  return (KINDS as readonly unknown[]).includes(k);
}
