import { Inngest } from "inngest";

const shop = new Inngest({ id: "shop-two" });

export const mail = shop.createFunction(
  { id: "send-email" },
  { cron: "@daily" },
  async () => "done",
);
