// The naive rewrite: the new closure loses the narrowing of `cfg.webhook`.
import { inngest, EVENT } from "../fixtures/_shared";

type Config = { webhook?: { url: string } };

export const narrowedProperty = inngest.createFunction(
  { id: "types-narrowed-property", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const cfg = await step.run("config", async (): Promise<Config> => ({ webhook: { url: String(event.data.url) } }));
    if (cfg.webhook) {
      const finalReturn = await step.run("finalize-and-return", async () => {
        return { url: cfg.webhook.url.toUpperCase() };
      });
      return finalReturn;
    }
    return { url: null };
  },
);
