import { Controller, Get, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoginRequiredFilter, SessionGuard } from '../auth/session.guard.js';
import { SessionsService } from '../auth/sessions.service.js';
import { LiveUpdates } from './live-updates.service.js';

const HEARTBEAT_MS = 15_000;

/** `GET /events`: server-sent events, one `thread` or `page` event per change, while traffic flows. */
@Controller()
@UseGuards(SessionGuard)
@UseFilters(LoginRequiredFilter)
export class LiveController {
  constructor(
    private readonly live: LiveUpdates,
    private readonly sessions: SessionsService,
  ) {}

  @Get('events')
  stream(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    out.write('retry: 2000\n\n');
    // Each heartbeat also checks the session: a stream ends when its session expires or is logged out.
    const heartbeat = setInterval(() => {
      out.write(': ping\n\n');
      void this.sessions.fromRequest(request).then((session) => session ?? close(), () => undefined);
    }, HEARTBEAT_MS);
    heartbeat.unref();
    let stop = () => undefined as void;
    const close = () => {
      clearInterval(heartbeat);
      stop();
      if (!out.writableEnded) out.end();
    };
    stop = this.live.listen((update) => out.write(`event: ${update.type}\ndata: ${JSON.stringify(update)}\n\n`), close);
    request.raw.once('close', close);
  }
}
