import { Inngest } from "inngest";

const inngest = new Inngest({ id: "limits" });

// Every value here is accepted by the engine: no finding.
export const fine = inngest.createFunction(
  {
    id: "fine",
    concurrency: [{ limit: 0 }, { limit: 5, key: "event.data.userId", scope: "env" }],
    throttle: { limit: 10, period: "1m", burst: 2 },
    rateLimit: { limit: 1, period: "24h", key: "event.data.id" },
    debounce: { period: "7d", timeout: "1w" },
    batchEvents: { maxSize: 100, timeout: "60s" },
    priority: { run: "event.data.priority" },
    timeouts: { start: "10m", finish: "2h" },
    retries: 20,
  },
  { event: "limits/fine" },
  async () => "ok",
);

// Every value here is rejected or ignored by the engine.
export const wrong = inngest.createFunction(
  {
    id: "wrong",
    concurrency: [{ limit: 1 }, { limit: 2 }, { limit: 3, scope: "account" }],
    throttle: { limit: 0, period: "1 minute" },
    rateLimit: { limit: 0, period: "2d", key: 42 },
    debounce: { period: "500ms", timeout: "soon" },
    batchEvents: { maxSize: 1, timeout: "1d" },
    priority: { run: 5 },
    timeouts: { start: "10 minutes" },
    retries: 50,
  },
  { event: "limits/wrong" },
  async () => "ok",
);
