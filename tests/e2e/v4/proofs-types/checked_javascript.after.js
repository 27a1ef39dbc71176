// @ts-check
// The naive rewrite: in checked JavaScript too, the new closure loses the narrowing of `cfg.webhook`.
import { inngest, EVENT } from "../fixtures/_shared";

export const checkedJavascript = inngest.createFunction(
  { id: "types-checked-javascript", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    /** @type {{ webhook?: { url: string } }} */
    const cfg = await step.run("config", async () => ({ webhook: { url: String(event.data.url) } }));
    if (cfg.webhook) {
      const finalReturn = await step.run("finalize-and-return", async () => {
        return { url: cfg.webhook.url.toUpperCase() };
      });
      return finalReturn;
    }
    return { url: null };
  },
);
