// The API as the console uses it: JSON over fetch with the bearer token, and a Server-Sent Events
// reader over fetch (EventSource cannot send an Authorization header) that resumes with Last-Event-ID.

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.detail) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

export class Api {
  constructor(token) {
    this.token = token;
  }

  headers(extra = {}) {
    const h = { Accept: "application/json", ...extra };
    if (this.token) h.Authorization = `Bearer ${this.token}`;
    return h;
  }

  async request(method, path, body) {
    const init = { method, headers: this.headers() };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  get(path) {
    return this.request("GET", path);
  }

  post(path, body) {
    return this.request("POST", path, body);
  }

  // Every page of a list endpoint (`{items,total,page,page_size}`), up to `limit` items.
  async all(path, limit = 2000) {
    const items = [];
    const sep = path.includes("?") ? "&" : "?";
    for (let page = 1; items.length < limit; page += 1) {
      const got = await this.get(`${path}${sep}page=${page}&page_size=100`);
      items.push(...got.items);
      if (got.items.length === 0 || items.length >= got.total) break;
    }
    return items;
  }
}

// Parse an SSE byte stream; calls onEvent({id, event, data}) for each dispatched event.
export function sseParser(onEvent) {
  let buffer = "";
  let event = { id: null, event: "message", data: [] };
  return (chunk) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith("\r\n", newline) ? 2 : 1));
      if (line === "") {
        if (event.data.length > 0) onEvent({ id: event.id, event: event.event, data: event.data.join("\n") });
        event = { id: event.id, event: "message", data: [] };
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "data") event.data.push(value);
      else if (field === "event") event.event = value;
      else if (field === "id") event.id = value;
    }
  };
}

// Follow `url` for ever: reconnects after a drop with the last id seen (Last-Event-ID).
// `onEvent(message)` gets each parsed JSON message; `onStatus("live"|"reconnecting"|"denied")`.
export function follow(url, token, onEvent, onStatus) {
  let lastId = null;
  let stopped = false;
  let controller = null;
  async function once() {
    controller = new AbortController();
    const headers = { Accept: "text/event-stream" };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (lastId !== null) headers["Last-Event-ID"] = lastId;
    const response = await fetch(url, { headers, signal: controller.signal, cache: "no-store" });
    if (response.status === 401 || response.status === 403 || response.status === 404) {
      onStatus("denied");
      stopped = true;
      return;
    }
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    const parse = sseParser((e) => {
      if (e.id) lastId = e.id;
      if (e.event === "hello") {
        onStatus("live");
        return;
      }
      try {
        onEvent(JSON.parse(e.data));
      } catch (error) {
        console.error("bad event", error, e.data);
      }
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parse(value);
    }
  }
  (async () => {
    while (!stopped) {
      try {
        await once();
      } catch (error) {
        if (stopped) break;
      }
      if (stopped) break;
      onStatus("reconnecting");
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  })();
  return () => {
    stopped = true;
    if (controller) controller.abort();
  };
}
