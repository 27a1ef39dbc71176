// The naive rewrite of the `email` case: the closure sees the whole union again.
import { inngest, EVENT } from "../fixtures/_shared";

type Payload = { kind: "email"; address: string } | { kind: "sms"; phone: string };
function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}

export const exhaustive = inngest.createFunction(
  { id: "types-exhaustive", triggers: [{ event: EVENT }] },
  async ({ event, step }) => {
    const job = await step.run("job", async () => ({ payload: { kind: "email", address: String(event.data.a) } as Payload }));
    switch (job.payload.kind) {
      case "email": {
        const finalReturn = await step.run("finalize-and-return", async () => {
          return { to: job.payload.address };
        });
        return finalReturn;
      }
      case "sms":
        return { to: job.payload.phone };
      default:
        return assertNever(job.payload);
    }
  },
);
