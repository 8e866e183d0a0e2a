// Command-line helpers of the benchmark scripts: `--name value` flags and seed ranges "a-b".
export const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

export const range = (text) => {
  const [a, b] = text.split('-').map(Number);
  return Array.from({ length: (b || a) - a + 1 }, (_, i) => a + i);
};
