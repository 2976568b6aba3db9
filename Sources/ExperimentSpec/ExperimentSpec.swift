// ExperimentSpec: the spec format. Reads a spec (JSON with key order and positions kept), checks
// every option against the one typed option table, expands the grid into run configurations with
// stable run keys (SHA-256 of the canonical config), and decodes charts and expectations into
// types checked against the study's outputs. Also the CSV tables the other layers read and write.
// Depends on the engine's modules only for their enums and checks (choices, initialisers, tasks).
