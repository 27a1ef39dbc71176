// @ts-check
// Original, left alone by the tool: JavaScript that TypeScript checks (`// @ts-check`) narrows like
// TypeScript, and the return relies on `if (cfg.webhook)`.
import { inngest, EVENT } from "../fixtures/_shared";

export const checkedJavascript = inngest.createFunction(
  { id: "types-checked-javascript", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    /** @type {{ webhook?: { url: string } }} */
    const cfg = await step.run("config", async () => ({ webhook: { url: String(event.data.url) } }));
    if (cfg.webhook) {
      return { url: cfg.webhook.url.toUpperCase() };
    }
    return { url: null };
  },
);
