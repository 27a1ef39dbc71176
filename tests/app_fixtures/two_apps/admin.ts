import { Inngest } from "inngest";

const admin = new Inngest({ id: "admin" });

export const cleanup = admin.createFunction(
  { id: "send-email" },
  { cron: "TZ=Europe/Paris 0 3 * * *" },
  async () => "done",
);
