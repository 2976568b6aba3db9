// ExperimentRunner: runs the configurations of a grid. The scheduler runs them concurrently
// (structured concurrency, a fixed number of lanes) through a StudyExecutor; each finished run is
// appended as a digest-checked record; the results folder is written one generation at a time
// (files renamed into place, manifest.json last) under a lock; shards and gather for clusters.
