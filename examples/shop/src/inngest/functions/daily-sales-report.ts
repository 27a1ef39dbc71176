import { inngest } from "../client";
import { formatCents, sumCents } from "../../lib/money";
import { analytics } from "../../lib/services";

const REGIONS = ["eu", "us", "apac"];

// v3 three-argument form on a cron. One step per region, fanned out with Promise.all,
// then an upload step; the final return reads the results and a local: inngest-fix wraps it.
export const dailySalesReport = inngest.createFunction(
  { id: "daily-sales-report" },
  { cron: "TZ=Europe/Amsterdam 0 6 * * *" },
  async ({ step }) => {
    const date = new Date(Date.now() - 24 * 3600 * 1000).toISOString().slice(0, 10);

    const totals = await Promise.all(
      REGIONS.map((region) =>
        step.run(`revenue-${region}`, async () => analytics.revenueFor(region, date)),
      ),
    );

    const revenueCents = sumCents(totals.map((t) => t.revenueCents));

    const upload = await step.run("upload-report", async () => {
      return analytics.upload(`sales-${date}.json`, JSON.stringify(totals));
    });

    return { date, revenue: formatCents(revenueCents), regions: totals.length, url: upload.url };
  },
);
