// For the editor tests: non-ASCII text before a finding on its line (columns in UTF-16
// code units differ from bytes and from characters), and two rules with fixes.
import { inngest } from "./client";

export const greet = inngest.createFunction(
  { id: "greet" },
  { event: "greet/run" },
  async ({ event, step }) => {
    const name = await step.run("name", async () => "Zoë");
    step.sendEvent("notify", { name: "greet/sent", data: { name } });
    /* café 😀 */ return { greeting: `héllo ${name} 👋`, id: event.data.id };
  },
);
