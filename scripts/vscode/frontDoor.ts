/**
 * The address `npm start` prints: a small HTTP and WebSocket forwarder on 127.0.0.1:PORT in
 * front of code-server (on a port of its own). It exists for one thing code-server cannot do:
 * the bare address `http://127.0.0.1:PORT/` redirects to the workbench URL that opens the
 * examples with RNN Lab loaded as an extension under development (the options travel in that
 * URL, which code-server's own command line does not take). Everything else passes unchanged,
 * headers included, so code-server's origin checks see the address the browser uses.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';

export interface FrontDoor {
  port: number;
  close(): Promise<void>;
}

/** The request head a raw socket forwards for a WebSocket upgrade. */
function rawHead(req: IncomingMessage): string {
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Listens on 127.0.0.1:`port` (rejects when it is taken) and forwards to code-server on
 * `targetPort`; `GET /` without a query answers with a redirect to `home` (a path and query).
 */
export function openFrontDoor(port: number, targetPort: number, home: string): Promise<FrontDoor> {
  const tunnels = new Set<{ destroy(): void }>();
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/') {
      res.writeHead(302, { location: home, 'cache-control': 'no-store' }).end();
      return;
    }
    const upstream = request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
    });
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end('code-server is not answering')));
    req.pipe(upstream);
  });
  server.on('upgrade', (req, socket, head) => {
    const upstream = connect(targetPort, '127.0.0.1', () => {
      upstream.write(rawHead(req));
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    tunnels.add(upstream).add(socket);
    const end = () => {
      upstream.destroy();
      socket.destroy();
      tunnels.delete(upstream);
      tunnels.delete(socket);
    };
    upstream.on('close', end);
    socket.on('close', end);
    upstream.on('error', end);
    socket.on('error', end);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve({
        port,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
            tunnels.forEach((tunnel) => tunnel.destroy());
          }),
      });
    });
  });
}
