/** Where a command writes: injectable so tests can capture output. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stderr is an interactive terminal (progress bars are shown only then). */
  readonly isTTY: boolean;
}

export const processIO: CliIO = {
  stdout: (t) => {
    process.stdout.write(t);
  },
  stderr: (t) => {
    process.stderr.write(t);
  },
  isTTY: process.stderr.isTTY === true,
};
