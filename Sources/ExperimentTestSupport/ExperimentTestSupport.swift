// ExperimentTestSupport: executors without the engine (deterministic stand-ins), for the runner's
// and the CLI's tests. Not part of any product.
