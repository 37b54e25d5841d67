import { Logger } from '@nestjs/common';
import pg from 'pg';

export interface LeaderLeaseOptions {
  connectionString: string;
  /** One leader per name and database, e.g. `notifications:events`. */
  name: string;
  /** How often a replica that does not lead tries again. */
  retryMs?: number;
  /** How often the leader checks that its session (hence its lock) is still there. */
  checkMs?: number;
}

/** Runs while this replica leads; must stop (and resolve) once `lost` is aborted. */
export type LeaderWork = (lost: AbortSignal) => Promise<void>;

/**
 * Lets one replica at a time do a piece of work (e.g. be the only reader of a consumer whose
 * acks cover everything before them): the replica whose PostgreSQL session holds an advisory
 * lock. The lock lives exactly as long as that session, so a leader that dies, or whose
 * connection breaks, releases it at once and another replica takes over on its next try. A
 * leader that notices its session is gone stops its work before campaigning again.
 */
export class LeaderLease {
  private readonly logger: Logger;
  private stopping = false;
  private current?: AbortController;
  private wakeUp?: () => void;
  private campaign?: Promise<void>;

  constructor(private readonly options: LeaderLeaseOptions) {
    this.logger = new Logger(`LeaderLease ${options.name}`);
  }

  /** Whether this replica leads (its work is running) right now. */
  get leading(): boolean {
    return this.current !== undefined && !this.current.signal.aborted;
  }

  start(work: LeaderWork): void {
    this.campaign ??= this.run(work);
  }

  /** Stops the work (if leading), releases the lock and ends the campaign. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.current?.abort();
    this.wakeUp?.();
    await this.campaign;
  }

  private async run(work: LeaderWork): Promise<void> {
    while (!this.stopping) {
      const session = await this.tryAcquire();
      // stop() may have come while this campaign was under way: nothing would ever abort the work.
      if (session && this.stopping) await endSession(session);
      else if (session) await this.lead(session, work);
      // Also after leading: work that ended on its own (e.g. NATS away) is not restarted in a tight loop.
      if (!this.stopping) await this.pause(this.options.retryMs ?? 2000);
    }
  }

  private async lead(session: pg.Client, work: LeaderWork): Promise<void> {
    const lost = new AbortController();
    this.current = lost;
    const onLoss = (reason: string) => {
      if (!lost.signal.aborted && !this.stopping) this.logger.warn(`lost the lead: ${reason}`);
      lost.abort();
    };
    session.on('error', (error) => onLoss(error.message));
    session.on('end', () => onLoss('session ended'));
    const check = setInterval(() => void session.query('SELECT 1').catch((error: Error) => onLoss(error.message)), this.options.checkMs ?? 5000);
    this.logger.log('leading');
    try {
      await work(lost.signal);
    } catch (error) {
      this.logger.error({ err: error }, 'the leader work failed; campaigning again');
    } finally {
      clearInterval(check);
      lost.abort();
      this.current = undefined;
      await endSession(session); // ends the session: the lock goes with it
    }
  }

  /** A session holding the lock, or undefined (another replica leads, or the database is away). */
  private async tryAcquire(): Promise<pg.Client | undefined> {
    const session = new pg.Client({ connectionString: this.options.connectionString, keepAlive: true });
    session.on('error', () => undefined); // reported through the query that fails
    try {
      await session.connect();
      const { rows } = await session.query<{ leader: boolean }>('SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS leader', ['mho:leader', this.options.name]);
      if (rows[0]?.leader) return session;
    } catch (error) {
      this.logger.debug({ err: error }, 'could not campaign; trying again');
    }
    await endSession(session);
    return undefined;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** `end()` of a session the server already dropped may never settle; a second is plenty otherwise. */
async function endSession(session: pg.Client): Promise<void> {
  await Promise.race([session.end().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
}
