// EngineBinding: the StudyExecutor of the real engine. Turns a run configuration into the
// engine's study settings (model, task, training, study options), runs the study in the run's
// numeric type and numerics mode, and writes trained weights when asked.
