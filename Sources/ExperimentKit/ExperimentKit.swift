// ExperimentKit: one entry point per `experiments` subcommand (validate, expand, run, gather,
// plot, check, compare, schema, options, slurm), composing the spec, runner and report layers;
// the executable only parses arguments and dispatches here.
