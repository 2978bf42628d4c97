/**
 * A request's cancellation signal: aborted when the client goes away before its answer is written, so its
 * queued or running engine task is dropped. The response's 'close' is the one to watch — an IncomingMessage
 * emits 'close' as soon as its body has been read (Node ≥ 16), so `request.raw` cannot tell a client that left.
 */
import type { FastifyReply } from 'fastify';

export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) {
      controller.abort();
    }
  });
  return controller.signal;
}
