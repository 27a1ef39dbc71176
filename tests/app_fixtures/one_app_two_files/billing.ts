import { inngest } from "./client";
import { welcome } from "./signup";

export const receipt = inngest.createFunction(
  { id: "send-email" },
  [{ event: "invoice/paid" }, { cron: "0 0 9 * * 1" }],
  async ({ step }) => {
    await step.invoke("welcome-again", { function: welcome, data: {} });
    await step.sleep("wait", "1h30m");
    await step.waitForEvent("wait-refund", { event: "invoice/refunded", timeout: "400d" });
    return "sent";
  },
);
