/// The JSON Schema (draft 2020-12) of the spec format, generated from `OptionCatalog` so it never
/// drifts (`experiments schema` prints it; experiments/schema/spec.schema.json is its output).
/// Which options a study uses is only checked by `experiments validate`.
public enum SpecSchema {
    /// The schema document.
    public static var document: JSONValue {
        var defs: [(key: String, value: JSONValue)] = []
        for option in OptionCatalog.all + [GridAxis.seedOption] {
            defs.append(("option." + option.name, valueSchema(option)))
            defs.append(("axis." + option.name, axisSchema(option)))
        }
        let axisProperties: [(key: String, value: JSONValue)] = (OptionCatalog.all + [GridAxis.seedOption]).map {
            ($0.name, ref("axis." + $0.name))
        }
        let assignment: [(key: String, value: JSONValue)] = (OptionCatalog.all + [GridAxis.seedOption]).map {
            ($0.name, ref("option." + $0.name))
        }
        defs.append(("zipGroup", .object([
            ("description", .string("Axes taken together: equally long, the i-th values of each form one point. "
                                     + "\"label\": {\"<axis>\": [one distinct name per point]} names the points: a pseudo-axis for "
                                     + "charts and expectations (run keys and runs.csv unchanged).")),
            ("type", .string("object")), ("minProperties", .number(1)), ("additionalProperties", .bool(false)),
            ("properties", .object(axisProperties + [
                ("label", .object([
                    ("description", .string("Names the zip rows: {\"model\": [\"IRNN\", \"tanh RNN\", \"LSTM\"]}.")),
                    ("type", .string("object")), ("minProperties", .number(1)), ("maxProperties", .number(1)),
                    ("additionalProperties", .object([("type", .string("array")), ("uniqueItems", .bool(true)),
                                                      ("items", .object([("type", .string("string")), ("minLength", .number(1))]))])),
                ])),
            ])),
        ])))
        defs.append(("assignment", .object([
            ("description", .string("A partial assignment: matches runs whose options have all these values.")),
            ("type", .string("object")), ("minProperties", .number(1)), ("additionalProperties", .bool(false)),
            ("properties", .object(assignment)),
        ])))
        defs.append(("grid", .object([
            ("description", .string("Axes in document order; the first varies slowest.")),
            ("type", .string("object")), ("additionalProperties", .bool(false)),
            ("properties", .object(axisProperties + [
                ("zip", .object([("oneOf", .array([ref("zipGroup"), .object([("type", .string("array")), ("minItems", .number(1)), ("items", ref("zipGroup"))])]))])),
                ("where", .object([("description", .string("Keep only runs matching at least one assignment.")), ("type", .string("array")), ("items", ref("assignment"))])),
                ("exclude", .object([("description", .string("Drop runs matching any assignment.")), ("type", .string("array")), ("items", ref("assignment"))])),
            ])),
        ])))
        var properties: [(key: String, value: JSONValue)] = [
            ("version", .object([("description", .string("Spec format version.")), ("type", .string("integer")), ("minimum", .number(1)),
                                 ("maximum", .number(Double(Spec.supportedVersion)))])),
            ("name", .object([("description", .string("Names the results folder.")), ("type", .string("string")),
                              ("pattern", .string("^[A-Za-z0-9_][A-Za-z0-9._-]*$")),
                              ("maxLength", .number(Double(Spec.maximumNameLength)))])),
            ("description", .object([("type", .string("string"))])),
            ("study", .object([("enum", .array(StudyKind.allCases.map { .string($0.rawValue) }))])),
        ]
        for block in OptionBlock.allCases {
            properties.append((block.rawValue, .object([
                ("type", .string("object")), ("additionalProperties", .bool(false)),
                ("properties", .object(OptionCatalog.options(in: block).map { ($0.name, ref("option." + $0.name)) })),
            ])))
        }
        properties.append(("grid", ref("grid")))
        properties.append(("derived", .object([
            ("description", .string("Named derived metrics: name -> metric expression (numbers, metric names, + - * / ^, "
                                    + "parentheses, ln log log10 log2 exp sqrt abs min max, pi). Usable wherever a metric is.")),
            ("type", .string("object")),
            ("propertyNames", .object([("pattern", .string("^[A-Za-z_][A-Za-z0-9_.]*$"))])),
            ("additionalProperties", .object([("type", .string("string")), ("minLength", .number(1))])),
        ])))
        properties.append(("charts", .object([("description", .string("Charts (absent: the study's defaults; []: none).")),
                                               ("type", .string("array")), ("items", ref("chart"))])))
        properties.append(("expect", .object([("description", .string("Expectations checked by `experiments check`.")),
                                               ("type", .string("array")), ("items", ref("expectation"))])))
        defs += reportDefinitions
        return .object([
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("title", .string("experiments spec")),
            ("type", .string("object")),
            ("required", .array([.string("version"), .string("name"), .string("study")])),
            ("additionalProperties", .bool(false)),
            ("properties", .object(properties)),
            ("$defs", .object(defs)),
        ])
    }

    static func ref(_ name: String) -> JSONValue { .object([("$ref", .string("#/$defs/" + name))]) }

    private static func valueSchema(_ option: OptionSpec) -> JSONValue {
        var pairs: [(key: String, value: JSONValue)] = [
            ("description", .string(option.summary + " (studies: " + option.studies.map(\.rawValue).sorted().joined(separator: ", ") + ")")),
        ]
        if !option.blocks.isEmpty { pairs.append(("default", option.defaultValue)) }
        switch option.type {
        case let .int(min, max):
            pairs.append(("type", .string("integer")))
            if let min { pairs.append(("minimum", .number(Double(min)))) }
            if let max { pairs.append(("maximum", .number(Double(max)))) }
        case let .number(min, max, exclusiveMin, exclusiveMax):
            pairs.append(("type", .string("number")))
            if let min { pairs.append((exclusiveMin ? "exclusiveMinimum" : "minimum", .number(min))) }
            if let max { pairs.append((exclusiveMax ? "exclusiveMaximum" : "maximum", .number(max))) }
        case .bool:
            pairs.append(("type", .string("boolean")))
        case let .choice(values):
            pairs.append(("enum", .array(values.map { .string($0) })))
        case let .string(_, pattern, _):
            pairs.append(("type", .string("string")))
            if let pattern { pairs.append(("pattern", .string(pattern))) }
        }
        return .object(pairs)
    }

    private static func axisSchema(_ option: OptionSpec) -> JSONValue {
        let value = ref("option." + option.name)
        var forms: [JSONValue] = [
            .object([("type", .string("array")), ("minItems", .number(1)), ("items", value)]),
            .object([("type", .string("object")), ("additionalProperties", .bool(false)), ("required", .array([.string("values")])),
                     ("properties", .object([("values", .object([("type", .string("array")), ("minItems", .number(1)), ("items", value)]))]))]),
        ]
        let numeric: Bool
        switch option.type {
        case .int, .number: numeric = true
        default: numeric = false
        }
        if numeric {
            let triple = JSONValue.object([("type", .string("array")), ("prefixItems", .array([.object([("type", .string("number"))]), .object([("type", .string("number"))]), .object([("type", .string("number"))])])),
                                           ("minItems", .number(3)), ("maxItems", .number(3))])
            for (form, text) in [("range", "[start, stop, step], stop included when reached"), ("log", "[start, stop, count], geometric")] {
                forms.append(.object([("description", .string(text)), ("type", .string("object")), ("additionalProperties", .bool(false)),
                                      ("required", .array([.string(form)])), ("properties", .object([(form, triple)]))]))
            }
        }
        if option.name == "seed" {
            forms.append(.object([("description", .string("seeds 0..count-1")), ("type", .string("object")), ("additionalProperties", .bool(false)),
                                  ("required", .array([.string("count")])),
                                  ("properties", .object([("count", .object([("type", .string("integer")), ("minimum", .number(1))]))]))]))
        }
        return .object([("oneOf", .array(forms))])
    }
}
