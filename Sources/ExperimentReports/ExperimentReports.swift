// ExperimentReports: what a results folder says. Aggregates runs.csv/series.csv into chart data,
// writes gnuplot scripts and renders them, evaluates a spec's expectations, writes report.md, and
// compares two results folders cell by cell.
