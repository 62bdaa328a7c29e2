/** Where a command writes: injected so tests capture output and the CLI writes to the process. */
export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}
