import { inngest } from "./client";

export const USER_SIGNUP = "user/signup";

export const welcome = inngest.createFunction(
  { id: "send-email" },
  { event: USER_SIGNUP },
  async ({ event, step }) => {
    await step.sleep("wait-a-day", "1 day");
    await step.sendEvent("follow-up", { name: "user/welcomed", data: event.data });
    return { ok: true };
  },
);
