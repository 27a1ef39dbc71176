import { Inngest } from "inngest";

const inngest = new Inngest({ id: "harvest" });

export const discover = inngest.createFunction(
  { id: "discover", triggers: [{ event: "harvest/discover" }] },
  async ({ step }) => {
    await step.run("scan", async () => 1);
  },
);
