// The Next.js route that serves the functions. It registers them but defines none,
// so inngest-fix's prefilter skips it without parsing.
import { serve } from "inngest/next";
import { inngest } from "../../../inngest/client";
import { functions } from "../../../inngest/functions";

export const { GET, POST, PUT } = serve({ client: inngest, functions });
