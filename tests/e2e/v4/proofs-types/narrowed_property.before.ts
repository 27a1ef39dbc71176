// Original, left alone by the tool: the return relies on `if (cfg.webhook)`.
import { inngest, EVENT } from "../fixtures/_shared";

type Config = { webhook?: { url: string } };

export const narrowedProperty = inngest.createFunction(
  { id: "types-narrowed-property", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const cfg = await step.run("config", async (): Promise<Config> => ({ webhook: { url: String(event.data.url) } }));
    if (cfg.webhook) {
      return { url: cfg.webhook.url.toUpperCase() };
    }
    return { url: null };
  },
);
