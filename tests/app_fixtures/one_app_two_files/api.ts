import { inngest } from "./client";

export async function POST(body: { email: string }) {
  await inngest.send({ name: "user/signup", data: body });
  await inngest.send({ name: "user/sign-up", data: body });
}
