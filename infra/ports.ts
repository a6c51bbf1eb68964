/** Port checks: a taken port must be a clear error up front, never a hang later. */
import net from 'node:net';

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export class PortInUseError extends Error {
  constructor(public readonly port: number, what: string, envVar: string) {
    super(`port ${port} (${what}) is already in use on 127.0.0.1; stop whatever holds it or choose another port with ${envVar}=<port>`);
    this.name = 'PortInUseError';
  }
}

export async function assertPortFree(port: number, what: string, envVar: string): Promise<void> {
  if (!(await isPortFree(port))) throw new PortInUseError(port, what, envVar);
}

/** A port the OS says is free right now (for tests and ephemeral servers). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
