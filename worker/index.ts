// Worker entry point: the Hono app serving the search API and web page.
import { createApp } from "./app.ts";

export default createApp();
