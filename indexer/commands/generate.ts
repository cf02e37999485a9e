// `generate <kind>`: writes generated material (models, videos) for tests, the demo and benchmarks; each kind
// is a command of its own in commands/generate/, over the generators in indexer/demo/.
import { defineKindsCommand } from "../cli/define-command.ts";

export const command = defineKindsCommand({
  name: "generate",
  summary: "generate test material: random (CLIP, seeded weights), toy (toy CLIP), toy-videos",
  // Add a kind with one line here.
  kinds: {
    random: async () => (await import("./generate/random.ts")).command,
    toy: async () => (await import("./generate/toy.ts")).command,
    "toy-videos": async () => (await import("./generate/toy-videos.ts")).command,
  },
});
