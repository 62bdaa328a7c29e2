/** Pulumi entry point (Pulumi.yaml `main`): validate the selected stack's config, then declare it (the stack outputs are a promise, which Pulumi awaits). */
import { defineStack, stackConfigFromRuntime } from "./program/program";

export = defineStack(stackConfigFromRuntime());
