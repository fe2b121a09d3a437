// The part of autocannon's programmatic API (README, version 9) that bench/loadgen.ts uses: the
// package ships no types.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      /** Called before each sending of this request (per connection): returns the request to send. */
      setupRequest?: (request: Request, context: Record<string, any>) => Request;
      /** Called with each response to this request, with the same context as its setupRequest. */
      onResponse?: (status: number, body: string, context: Record<string, any>, headers: Record<string, string>) => void;
    }
    interface Client extends EventEmitter {
      /** Headers of the request this connection is on (with one request: of all its requests). */
      setHeaders(headers: Record<string, string>): void;
    }
    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Milliseconds between samples; a run ends at the first sample after its duration. */
      sampleInt?: number;
      requests?: Request[];
      /** Called once for each connection, when it is made. */
      setupClient?: (client: Client) => void;
    }
    interface Result {
      /** Seconds, from the start to the end of the run. */
      duration: number;
      /** Connection errors, timeouts included. */
      errors: number;
      timeouts: number;
      non2xx: number;
      '2xx': number;
      statusCodeStats: Record<string, { count: number }>;
      requests: { sent: number; total: number };
    }
    interface Instance extends EventEmitter, PromiseLike<Result> {
      on(event: 'response', listener: (client: Client, statusCode: number, resBytes: number, responseTime: number) => void): this;
    }
  }
  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
