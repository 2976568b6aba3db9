import Foundation

/// A metric expression: arithmetic on the metrics of one run, parsed once (when the spec is
/// validated) into a typed tree and evaluated per run.
///
/// Grammar (whitespace is free):
/// ```
/// expression := term (("+" | "-") term)*
/// term       := unary (("*" | "/") unary)*
/// unary      := "-" unary | power
/// power      := primary ("^" unary)?          (right-associative: 2^3^2 = 2^9; -2^2 = -4)
/// primary    := number | name | function "(" expression ("," expression)* ")" | "(" expression ")"
/// number     := 12 | 0.5 | .5 | 1e-3 | 2.5E+4
/// name       := [A-Za-z_][A-Za-z0-9_.]*       a metric column (dotted names such as
///                                              sigma_max.weight_hh_l0 included), a numeric
///                                              grid axis (the run's value), a derived metric
///                                              of the spec, or the constant pi
/// function   := ln | log (both natural) | log10 | log2 | exp | sqrt | abs   (one argument)
///             | min | max                                                  (one or more)
/// ```
/// Evaluation is in `Double`. A metric cell that is empty or missing gives ``Value/missing(_:)``;
/// a division by zero and a function outside its domain (ln/log of a value <= 0, sqrt of a
/// negative value) give ``Value/undefined(_:)`` saying why; a NaN metric stays NaN.
public indirect enum MetricExpression: Sendable, Equatable {
    case number(Double)
    case metric(String)
    case negate(MetricExpression)
    case binary(Operator, MetricExpression, MetricExpression)
    case call(Function, [MetricExpression])

    public enum Operator: String, Sendable, Equatable {
        case add = "+", subtract = "-", multiply = "*", divide = "/", power = "^"
    }

    public enum Function: String, Sendable, Equatable, CaseIterable {
        case ln, log, log10, log2, exp, sqrt, abs, min, max

        var isVariadic: Bool { self == .min || self == .max }
    }

    /// The result of evaluating an expression for one run.
    public enum Value: Sendable, Equatable {
        case value(Double)
        /// No number: the named metric's cell is empty or missing.
        case missing(String)
        /// No number: a division by zero or a function outside its domain (the reason).
        case undefined(String)

        public var number: Double? {
            if case let .value(v) = self { return v }
            return nil
        }
    }

    /// A parse error: what was expected, what was found, and the 1-based character position.
    public struct ParseError: Error, Sendable, Equatable {
        public var position: Int
        public var expected: String
        public var found: String

        /// `at character 7 of "a + * b"`.
        public func location(in text: String) -> String { "character \(position) of \"\(text)\"" }
    }

    /// Parses `text`. Names are not checked here (see ``metricNames``).
    public static func parse(_ text: String) throws(ParseError) -> MetricExpression {
        var parser = Parser(text)
        return try parser.parseAll()
    }

    /// Whether `text` is one plain name (a metric or derived-metric name, no arithmetic).
    public static func isPlainName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, Parser.isNameStart(first) else { return false }
        return text.unicodeScalars.allSatisfy(Parser.isNameScalar)
    }

    /// The metric (and derived-metric) names the expression reads, in order of first appearance.
    public var metricNames: [String] {
        var names: [String] = []
        func visit(_ e: MetricExpression) {
            switch e {
            case .number: break
            case let .metric(name): if !names.contains(name) { names.append(name) }
            case let .negate(inner): visit(inner)
            case let .binary(_, a, b): visit(a); visit(b)
            case let .call(_, args): args.forEach(visit)
            }
        }
        visit(self)
        return names
    }

    /// The expression with each name `derived` defines replaced by its definition.
    public func substituting(_ derived: [String: MetricExpression]) -> MetricExpression {
        switch self {
        case .number: return self
        case let .metric(name): return derived[name] ?? self
        case let .negate(inner): return .negate(inner.substituting(derived))
        case let .binary(op, a, b): return .binary(op, a.substituting(derived), b.substituting(derived))
        case let .call(f, args): return .call(f, args.map { $0.substituting(derived) })
        }
    }

    /// Evaluates the expression; `metric` gives a run's value of a name (nil: empty or missing).
    public func evaluate(_ metric: (String) -> Double?) -> Value {
        switch self {
        case let .number(n): return .value(n)
        case let .metric(name):
            guard let v = metric(name) else { return .missing(name) }
            return .value(v)
        case let .negate(inner):
            guard case let .value(v) = inner.evaluate(metric) else { return inner.evaluate(metric) }
            return .value(-v)
        case let .binary(op, a, b):
            let left = a.evaluate(metric)
            guard case let .value(x) = left else { return left }
            let right = b.evaluate(metric)
            guard case let .value(y) = right else { return right }
            switch op {
            case .add: return .value(x + y)
            case .subtract: return .value(x - y)
            case .multiply: return .value(x * y)
            case .divide: return y == 0 ? .undefined("division by zero") : .value(x / y)
            case .power: return .value(Foundation.pow(x, y))
            }
        case let .call(f, args):
            var values: [Double] = []
            for arg in args {
                let v = arg.evaluate(metric)
                guard case let .value(x) = v else { return v }
                values.append(x)
            }
            guard let x = values.first else { return .undefined("\(f.rawValue)() without arguments") }
            switch f {
            case .ln, .log, .log10, .log2:
                if x <= 0 { return .undefined("\(f.rawValue) of \(JSONValue.format(x)) (needs a value > 0)") }
                switch f {
                case .log10: return .value(Foundation.log10(x))
                case .log2: return .value(Foundation.log2(x))
                default: return .value(Foundation.log(x))
                }
            case .exp: return .value(Foundation.exp(x))
            case .sqrt:
                if x < 0 { return .undefined("sqrt of \(JSONValue.format(x)) (needs a value >= 0)") }
                return .value(x.squareRoot())
            case .abs: return .value(Swift.abs(x))
            case .min: return .value(values.contains(where: \.isNaN) ? .nan : values.min() ?? x)
            case .max: return .value(values.contains(where: \.isNaN) ? .nan : values.max() ?? x)
            }
        }
    }

    /// The expression as text, fully parenthesised where precedence needs it (for titles and names).
    public var text: String {
        func wrapped(_ e: MetricExpression, _ level: Int) -> String {
            e.level < level ? "(" + e.text + ")" : e.text
        }
        switch self {
        case let .number(n): return JSONValue.format(n)
        case let .metric(name): return name
        case let .negate(inner): return "-" + wrapped(inner, 3)
        case let .binary(op, a, b):
            switch op {
            case .add, .subtract: return wrapped(a, 1) + " \(op.rawValue) " + wrapped(b, 2)
            case .multiply, .divide: return wrapped(a, 2) + " \(op.rawValue) " + wrapped(b, 3)
            case .power: return wrapped(a, 5) + "^" + wrapped(b, 3)
            }
        case let .call(f, args): return f.rawValue + "(" + args.map(\.text).joined(separator: ", ") + ")"
        }
    }

    /// Binding strength for ``text``: sums 1, products 2, negation 3, powers 4, atoms 5.
    private var level: Int {
        switch self {
        case .number(let n): return n < 0 ? 3 : 5
        case .metric, .call: return 5
        case .negate: return 3
        case let .binary(op, _, _):
            switch op {
            case .add, .subtract: return 1
            case .multiply, .divide: return 2
            case .power: return 4
            }
        }
    }

    /// Recursive-descent parser over Unicode scalars; positions are 1-based.
    private struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0

        init(_ text: String) { scalars = Array(text.unicodeScalars) }

        static func isNameStart(_ u: Unicode.Scalar) -> Bool {
            switch u {
            case "A"..."Z", "a"..."z", "_": return true
            default: return false
            }
        }

        static func isNameScalar(_ u: Unicode.Scalar) -> Bool {
            switch u {
            case "A"..."Z", "a"..."z", "0"..."9", "_", ".": return true
            default: return false
            }
        }

        mutating func skipSpaces() {
            while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
        }

        mutating func peek() -> Unicode.Scalar? {
            skipSpaces()
            return index < scalars.count ? scalars[index] : nil
        }

        func foundText() -> String {
            guard index < scalars.count else { return "the end of the expression" }
            return "'" + String(String.UnicodeScalarView(scalars[index...].prefix(12))) + "'"
        }

        func error(_ expected: String) -> ParseError {
            ParseError(position: index + 1, expected: expected, found: foundText())
        }

        mutating func parseAll() throws(ParseError) -> MetricExpression {
            guard peek() != nil else { throw error("an expression") }
            let e = try expression()
            if let u = peek() {
                if "<>=!".unicodeScalars.contains(u) {
                    throw error("arithmetic only (a comparison goes in the expectation's '<', '<=', '>', '>=' or 'between')")
                }
                throw error("an operator (+ - * / ^) or the end of the expression")
            }
            return e
        }

        mutating func expression() throws(ParseError) -> MetricExpression {
            var e = try term()
            while let u = peek(), u == "+" || u == "-" {
                index += 1
                e = .binary(u == "+" ? .add : .subtract, e, try term())
            }
            return e
        }

        mutating func term() throws(ParseError) -> MetricExpression {
            var e = try unary()
            while let u = peek(), u == "*" || u == "/" {
                index += 1
                e = .binary(u == "*" ? .multiply : .divide, e, try unary())
            }
            return e
        }

        mutating func unary() throws(ParseError) -> MetricExpression {
            if peek() == "-" {
                index += 1
                return .negate(try unary())
            }
            if peek() == "+" {
                index += 1
                return try unary()
            }
            return try power()
        }

        mutating func power() throws(ParseError) -> MetricExpression {
            let base = try primary()
            if peek() == "^" {
                index += 1
                return .binary(.power, base, try unary())
            }
            return base
        }

        mutating func primary() throws(ParseError) -> MetricExpression {
            guard let u = peek() else { throw error("a number, a metric name, a function or '('") }
            if u == "(" {
                index += 1
                let inner = try expression()
                guard peek() == ")" else { throw error("')'") }
                index += 1
                return inner
            }
            if ("0"..."9").contains(u) || u == "." { return .number(try number()) }
            guard Parser.isNameStart(u) else { throw error("a number, a metric name, a function or '('") }
            let start = index
            while index < scalars.count, Parser.isNameScalar(scalars[index]) { index += 1 }
            let name = String(String.UnicodeScalarView(scalars[start..<index]))
            guard peek() == "(" else {
                if name == "pi" { return .number(Double.pi) }
                if name.hasSuffix(".") {
                    index = start
                    throw error("a name that does not end with '.'")
                }
                return .metric(name)
            }
            guard let function = Function(rawValue: name) else {
                index = start
                let known = Function.allCases.map(\.rawValue)
                throw ParseError(position: start + 1, expected: "a function (" + known.joined(separator: ", ") + ")",
                                 found: "'\(name)('" + SpecSuggestion.didYouMean(name, among: known))
            }
            index += 1  // "("
            var args = [try expression()]
            while peek() == "," {
                index += 1
                args.append(try expression())
            }
            guard peek() == ")" else { throw error("',' or ')'") }
            index += 1
            if !function.isVariadic && args.count != 1 {
                index = start
                throw error("one argument for \(name)()")
            }
            return .call(function, args)
        }

        mutating func number() throws(ParseError) -> Double {
            let start = index
            func digits() { while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1 } }
            digits()
            if index < scalars.count, scalars[index] == "." {
                index += 1
                digits()
            }
            if index < scalars.count, scalars[index] == "e" || scalars[index] == "E" {
                let mark = index
                index += 1
                if index < scalars.count, scalars[index] == "+" || scalars[index] == "-" { index += 1 }
                let exponentStart = index
                digits()
                if index == exponentStart { index = mark }
            }
            let text = String(String.UnicodeScalarView(scalars[start..<index]))
            guard let value = Double(text), value.isFinite else {
                index = start
                throw error("a number")
            }
            return value
        }
    }
}
