/**
 * What dicomweb-client uses of an XMLHttpRequest, done with `fetch` and
 * `cache: 'no-store'`. PACS answers hold patient data (QIDO URLs with the
 * PatientID, metadata with names, every frame); an XMLHttpRequest cannot ask
 * the browser to keep them out of its HTTP disk cache, a fetch can. The
 * client creates no request of its own when it is handed one
 * (`request.instance`), so every DICOMweb request goes through this.
 *
 * Only the part the client and `request.ts` touch is here: `open`,
 * `setRequestHeader`, `send`, `abort`, `responseType` ('' / 'text', 'json',
 * 'arraybuffer'), `timeout`, `withCredentials`, `status`, `response`,
 * `getResponseHeader`, `getAllResponseHeaders`, `readyState` with
 * `onreadystatechange`, and the `load` / `error` / `abort` / `timeout` /
 * `loadend` events (as listeners and as `on…` properties). Progress events
 * are not sent.
 */
const DONE = 4;

type Handler = ((this: NoStoreRequest, event: Event) => unknown) | null;

export class NoStoreRequest extends EventTarget {
  readyState = 0;
  status = 0;
  statusText = '';
  response: unknown = null;
  responseType: '' | 'text' | 'json' | 'arraybuffer' = '';
  /** Milliseconds before the request fails with a `timeout` event; 0: none. */
  timeout = 0;
  withCredentials = false;
  onreadystatechange: Handler = null;
  onload: Handler = null;
  onerror: Handler = null;
  onabort: Handler = null;
  ontimeout: Handler = null;
  onloadstart: Handler = null;
  onloadend: Handler = null;
  onprogress: Handler = null;
  #method = 'GET';
  #url = '';
  #headers = new Headers();
  #responseHeaders: Headers | undefined;
  #controller: AbortController | undefined;
  #ended = false;

  open(method: string, url: string): void {
    this.#method = method;
    this.#url = url;
    this.#headers = new Headers();
    this.readyState = 1;
  }

  setRequestHeader(name: string, value: string): void {
    this.#headers.append(name, value);
  }

  getResponseHeader(name: string): string | null {
    return this.#responseHeaders?.get(name) ?? null;
  }

  getAllResponseHeaders(): string {
    if (!this.#responseHeaders) return '';
    let text = '';
    this.#responseHeaders.forEach((value, name) => (text += `${name}: ${value}\r\n`));
    return text;
  }

  send(body?: BodyInit | null): void {
    const controller = new AbortController();
    this.#controller = controller;
    this.#ended = false;
    this.#fire('loadstart');
    const timer = this.timeout > 0 ? setTimeout(() => this.#end('timeout'), this.timeout) : undefined;
    void this.#run(body ?? null, controller.signal).finally(() => clearTimeout(timer));
  }

  abort(): void {
    this.#end('abort');
  }

  async #run(body: BodyInit | null, signal: AbortSignal): Promise<void> {
    try {
      const response = await fetch(this.#url, {
        method: this.#method,
        headers: this.#headers,
        body,
        signal,
        cache: 'no-store',
        credentials: this.withCredentials ? 'include' : 'same-origin',
      });
      const content = await this.#read(response);
      if (this.#ended) return;
      this.status = response.status;
      this.statusText = response.statusText;
      this.#responseHeaders = response.headers;
      this.response = content;
      this.#end('load');
    } catch {
      // A network failure (or the abort / timeout that ended it already).
      this.#end('error');
    }
  }

  async #read(response: Response): Promise<unknown> {
    if (this.responseType === 'arraybuffer') return response.arrayBuffer();
    const text = await response.text();
    if (this.responseType !== 'json') return text;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return null; // as an XMLHttpRequest answers a body that is not JSON
    }
  }

  /** Ends the request once, as an XMLHttpRequest does: DONE, readystatechange, the reason's event, loadend. */
  #end(reason: 'load' | 'error' | 'abort' | 'timeout'): void {
    if (this.#ended) return;
    this.#ended = true;
    if (reason !== 'load') {
      this.#controller?.abort();
      this.status = 0;
      this.response = null;
    }
    this.readyState = DONE;
    this.#fire('readystatechange');
    this.#fire(reason);
    this.#fire('loadend');
  }

  #fire(type: 'readystatechange' | 'load' | 'error' | 'abort' | 'timeout' | 'loadstart' | 'loadend'): void {
    const event = new Event(type);
    const handler = this[`on${type}`];
    // A throwing handler (the client parses the body in onreadystatechange) is reported, as the browser reports one of an XMLHttpRequest, and the other events still come.
    try {
      handler?.call(this, event);
    } catch (error) {
      reportError(error);
    }
    this.dispatchEvent(event);
  }
}
