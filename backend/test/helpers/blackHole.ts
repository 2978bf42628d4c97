/**
 * A black-hole upstream: a TCP server on loopback that accepts every connection and never answers
 * (the failure a firewall drop, a hung process or a stuck proxy looks like from a client).
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface BlackHole {
  baseUrl: string;
  /** Connections accepted so far (each one is an attempt that reached the upstream). */
  connections: number;
  close(): Promise<void>;
}

export async function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    hole.connections += 1;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    // Read and drop whatever arrives; never write.
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const hole: BlackHole = {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: 0,
    close: async () => {
      for (const s of sockets) {
        s.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return hole;
}
