/// The JSON Schema of `charts` and `expect` entries: every key the chart and expectation decoders
/// accept, with its type and choices (names of metrics, series and axes are checked by `validate`).
extension SpecSchema {
    static func object(_ description: String, _ properties: [(key: String, value: JSONValue)],
                       required: [String] = [], extra: [(key: String, value: JSONValue)] = []) -> JSONValue {
        var pairs: [(key: String, value: JSONValue)] = [
            ("description", .string(description)), ("type", .string("object")), ("additionalProperties", .bool(false)),
        ]
        if !required.isEmpty { pairs.append(("required", .array(required.map { .string($0) }))) }
        pairs.append(("properties", .object(properties)))
        return .object(pairs + extra)
    }

    static func typed(_ type: String, _ description: String) -> JSONValue {
        .object([("description", .string(description)), ("type", .string(type))])
    }

    static func choices(_ values: [String], _ description: String) -> JSONValue {
        .object([("description", .string(description)), ("enum", .array(values.map { .string($0) }))])
    }

    /// `$defs` entries: `filter`, `chart`, `expectation`.
    static var reportDefinitions: [(key: String, value: JSONValue)] {
        let scalar = JSONValue.object([("type", .array([.string("string"), .string("number"), .string("boolean")]))])
        let filter = JSONValue.object([
            ("description", .string("Axis -> accepted value or non-empty list of values (each must be a value of the axis).")),
            ("type", .string("object")),
            ("additionalProperties", .object([("oneOf", .array([
                scalar, .object([("type", .string("array")), ("minItems", .number(1)), ("items", scalar)]),
            ]))])),
        ])
        let text = { (d: String) in typed("string", d) }
        let oneLine = JSONValue.object([("oneOf", .array([
            .object([("type", .string("number"))]),
            .object([("type", .string("object")), ("required", .array([.string("at")])), ("additionalProperties", .bool(false)),
                     ("properties", .object([("at", .object([("type", .string("number"))])), ("label", .object([("type", .string("string"))]))]))]),
        ]))])
        let referenceLine = { (d: String) in
            JSONValue.object([("description", .string(d)), ("oneOf", .array([oneLine, .object([("type", .string("array")), ("items", oneLine)])]))])
        }
        let limits = { (d: String) in
            JSONValue.object([("description", .string(d)), ("type", .string("array")), ("minItems", .number(2)), ("maxItems", .number(2)),
                              ("items", .object([("type", .array([.string("number"), .string("null")]))]))])
        }
        let diagonal = JSONValue.object([("oneOf", .array([
            .object([("const", .bool(true))]),
            .object([("type", .string("object")), ("additionalProperties", .bool(false)),
                     ("properties", .object([("slope", .object([("type", .string("number"))])),
                                             ("intercept", .object([("type", .string("number"))])),
                                             ("label", .object([("type", .string("string"))]))]))]),
        ]))])
        let chart = object("A chart of the results.", [
            ("name", .object([("description", .string("File stem of the chart (default from y, x, series, facet).")),
                              ("type", .string("string")), ("pattern", .string("^[A-Za-z0-9_-][A-Za-z0-9._-]*$"))])),
            ("title", text("Title shown on the chart.")),
            ("kind", choices(["line", "heatmap", "scatter"],
                             "Line chart (default), heatmap of a family of series, or scatter of metric y against metric x.")),
            ("source", choices(["runs", "series"], "runs.csv metrics (default) or series.csv series.")),
            ("x", text("A grid axis, \"step\" for series, or (scatter) a metric, derived metric or metric expression.")),
            ("y", text("A metric, derived metric or metric expression (source runs), a series (source series) or a family "
                       + "such as \"state\" (heatmap).")),
            ("series", .object([("description", .string("A grid axis (one line per value) or an array of axes (one line per "
                                                         + "combination, labelled by the values joined with \", \").")),
                                ("oneOf", .array([.object([("type", .string("string")), ("minLength", .number(1))]),
                                                  .object([("type", .string("array")), ("minItems", .number(1)), ("uniqueItems", .bool(true)),
                                                           ("items", .object([("type", .string("string")), ("minLength", .number(1))]))])]))])),
            ("facet", text("A grid axis: one panel per value.")),
            ("where", ref("filter")),
            ("aggregate", choices(["median", "mean", "none"], "Centre over seeds (default median; scatter: none, one point per run).")),
            ("band", .object([("description", .string("Spread over seeds: min-max (default), quantile, quantile-<low>-<high>, none.")),
                              ("type", .string("string")), ("pattern", .string("^(min-max|minmax|none|quantile(-[0-9.]+-[0-9.]+)?)$"))])),
            ("log_x", typed("boolean", "Logarithmic x axis.")),
            ("log_y", typed("boolean", "Logarithmic y axis.")),
            ("x_label", text("Label of the x axis.")),
            ("y_label", text("Label of the y axis.")),
            ("hline", referenceLine("Horizontal reference line(s): a y value, {\"at\": y, \"label\": \"...\"}, or an array of these.")),
            ("vline", referenceLine("Vertical reference line(s): an x value, {\"at\": x, \"label\": \"...\"}, or an array of these.")),
            ("x_range", limits("x axis limits [low, high]; null: automatic.")),
            ("y_range", limits("y axis limits [low, high]; null: automatic.")),
            ("pdf", typed("boolean", "Also render <name>.pdf (vector).")),
            ("diagonal", .object([
                ("description", .string("Sloped reference line(s) y = slope x + intercept: true (y = x), "
                                        + "{\"slope\": 1, \"intercept\": 0, \"label\": \"...\"} (defaults slope 1, intercept 0), or an array of these.")),
                ("oneOf", .array([diagonal, .object([("type", .string("array")), ("items", diagonal)])])),
            ])),
        ], required: ["y"])
        let comparison = { (d: String) in
            JSONValue.object([("description", .string(d + " A number, or a metric expression evaluated for each run (then aggregate all or fraction).")),
                              ("type", .array([.string("number"), .string("string")]))])
        }
        let expectation = object("An expectation checked against the results by `experiments check`.", [
            ("name", text("Name shown in the table.")),
            ("description", text("What the expectation stands for.")),
            ("metric", text("A metric column of runs.csv, a derived metric, a metric expression such as \"test_loss / 0.1732\", or \"status\".")),
            ("series", text("A series of series.csv (with \"step\").")),
            ("step", .object([("description", .string("The series' step: a number, \"first\" or \"last\".")),
                              ("oneOf", .array([.object([("type", .string("number"))]), .object([("enum", .array([.string("first"), .string("last")]))])]))])),
            ("where", ref("filter")),
            ("aggregate", choices(["median", "mean", "min", "max", "all", "fraction"], "How the matched runs are summarised (default median; all with an expression bound; fraction for status).")),
            ("at_least", .object([("description", .string("Required fraction for aggregate \"fraction\".")), ("type", .string("number")),
                                  ("minimum", .number(0)), ("maximum", .number(1))])),
            ("<", comparison("Less than.")), (">", comparison("Greater than.")),
            ("<=", comparison("At most.")), (">=", comparison("At least.")),
            ("between", .object([("description", .string("[low, high], inclusive; each a number or a metric expression.")), ("type", .string("array")),
                                 ("prefixItems", .array([.object([("type", .array([.string("number"), .string("string")]))]),
                                                         .object([("type", .array([.string("number"), .string("string")]))])])),
                                 ("minItems", .number(2)), ("maxItems", .number(2))])),
            ("equals", .object([("description", .string("Equal to (for status: ok, diverged, failed).")), ("type", .array([.string("string"), .string("number"), .string("boolean")]))])),
            ("trend", choices(["increasing", "decreasing"], "Monotone along \"over\".")),
            ("over", text("The grid axis of a trend.")),
            ("tolerance", .object([("description", .string("Relative tolerance of a trend.")), ("type", .string("number")), ("minimum", .number(0))])),
            ("ratio_to", ref("filter")),
            ("beats", ref("filter")),
            ("by", choices(["lower", "higher"], "Which value is better, with beats.")),
            ("fraction", .object([("description", .string("Fraction of seeds that must win, with beats.")), ("type", .string("number")),
                                  ("minimum", .number(0)), ("maximum", .number(1))])),
        ], extra: [("oneOf", .array([.object([("required", .array([.string("metric")]))]), .object([("required", .array([.string("series"), .string("step")]))])]))])
        return [("filter", filter), ("chart", chart), ("expectation", expectation)]
    }
}
