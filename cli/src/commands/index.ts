import type { Command } from '../command';

/** Every `ballast` command, in the order `ballast --help` lists them. */
export const COMMANDS: readonly Command[] = [];
