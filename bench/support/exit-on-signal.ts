// Preloaded into nodes only for profiling runs (BENCH_PROFILE=1): exits at once on SIGTERM so
// that --cpu-prof writes its profile (Nest's shutdown hook re-raises the signal, which would not).
process.once('SIGTERM', () => process.exit(0));
