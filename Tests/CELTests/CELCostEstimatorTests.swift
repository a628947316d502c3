import Testing

@testable import CEL

/// Static cost estimation: cel-go's own test values (`checker/cost_test.go`), Kubernetes'
/// library estimates (`apiserver/pkg/cel/library/cost_test.go`), the limit enforced by
/// the checker, and hostile expressions.
@Suite struct CELCostEstimatorTests {
  /// One cel-go or Kubernetes test case.
  struct Case: Sendable, CustomTestStringConvertible {
    var expr: String
    var vars: [String: CELType] = [:]
    var hints: [String: UInt64] = [:]
    var min: UInt64
    var max: UInt64
    var presenceTestHasCost = true

    var testDescription: String { expr }
  }

  /// An estimator from path hints, and (as cel-go's test estimator) 7 for
  /// `getFullYear`.
  struct HintEstimator: CELCostEstimator {
    var hints: [String: UInt64]

    func estimateSize(_ node: CELCostNode) -> CELSizeEstimate? {
      hints[node.path.joined(separator: ".")].map { .upTo($0) }
    }

    func estimateCallCost(_ call: CELCostCall) -> CELCallEstimate? {
      call.overloadID == "timestamp_to_year" ? CELCallEstimate(cost: .fixed(7)) : nil
    }
  }

  /// Kubernetes' library test estimator: every string or bytes value is up to 12 long.
  struct TwelveEstimator: CELCostEstimator {
    func estimateSize(_ node: CELCostNode) -> CELSizeEstimate? {
      switch node.type {
      case .string, .bytes: return .upTo(12)
      default: return nil
      }
    }
  }

  static func checked(_ text: String, _ env: CELEnvironment) throws -> CELCheckedExpr {
    try CELChecker.check(try CELParser.parse(text), environment: env).get()
  }

  static func estimate(_ c: Case) throws -> CELCostEstimate {
    var env = CELEnvironment.all()
    for (name, t) in c.vars { env.declare(name, t) }
    return try checked(c.expr, env).estimateCost(
      estimator: HintEstimator(hints: c.hints), presenceTestHasCost: c.presenceTestHasCost)
  }

  static let allTypes = CELType.map(.string, .int)
  static let allList = CELType.list(allTypes)
  static let nestedList = CELType.list(allList)
  static let allMap = CELType.map(.string, allTypes)
  static let nestedMap = CELType.map(.string, allMap)

  /// cel-go's `TestCost` cases that need no protobuf messages (a message is a map here).
  static let celGoCases: [Case] = [
    Case(expr: #""Hello World!""#, min: 0, max: 0),
    Case(expr: "input", vars: ["input": .list(.int)], min: 1, max: 1),
    Case(expr: "input['key']", vars: ["input": .map(.string, .string)], min: 2, max: 2),
    Case(expr: "input.single_int32", vars: ["input": allTypes], min: 2, max: 2),
    Case(
      expr: "has(input.single_int32)", vars: ["input": allTypes], min: 1, max: 1,
      presenceTestHasCost: false),
    Case(expr: "has(input.single_int32)", vars: ["input": allTypes], min: 2, max: 2),
    Case(expr: "has(input.testAttr.nestedAttr)", vars: ["input": nestedMap], min: 3, max: 3),
    Case(
      expr: "has(input.testAttr.nestedAttr)", vars: ["input": nestedMap], min: 2, max: 2,
      presenceTestHasCost: false),
    Case(expr: "input.getFullYear()", vars: ["input": .timestamp], min: 8, max: 8),
    Case(expr: "[1, 2, 3]", min: 10, max: 10),
    Case(expr: #"{"a": 1, "b": 2, "c": 3}"#, min: 30, max: 30),
    Case(
      expr: "input.all(x, true)", vars: ["input": allList], hints: ["input": 100], min: 2,
      max: 302),
    Case(
      expr: "input.all(x, x.all(y, true))", vars: ["input": nestedList],
      hints: ["input": 50, "input.@items": 10], min: 2, max: 1752),
    Case(expr: "[1, 2, 3].all(x, true)", min: 20, max: 20),
    Case(
      expr: "input.matches('[0-9]')", vars: ["input": .string], hints: ["input": 500], min: 3,
      max: 103),
    Case(expr: "'123'.matches('[0-9]')", min: 2, max: 2),
    Case(expr: "true || false", min: 0, max: 0),
    Case(
      expr: "a || b || c || d", vars: ["a": .bool, "b": .bool, "c": .bool, "d": .bool], min: 1,
      max: 4),
    Case(expr: "true && false", min: 0, max: 0),
    Case(
      expr: "a && b && c && d", vars: ["a": .bool, "b": .bool, "c": .bool, "d": .bool], min: 1,
      max: 4),
    Case(expr: "1 < 2", min: 1, max: 1),
    Case(expr: "1 <= 2", min: 1, max: 1),
    Case(expr: "1 == 2", min: 1, max: 1),
    Case(expr: "2 > 1", min: 1, max: 1),
    Case(expr: "2 >= 1", min: 1, max: 1),
    Case(expr: "2 in [1, 2, 3]", min: 13, max: 13),
    Case(expr: "1 + 1", min: 1, max: 1),
    Case(expr: "1 - 1", min: 1, max: 1),
    Case(expr: "1 / 1", min: 1, max: 1),
    Case(expr: "1 * 1", min: 1, max: 1),
    Case(expr: "1 % 1", min: 1, max: 1),
    Case(expr: "true ? 1 : 2", min: 0, max: 0),
    Case(expr: #"size("123")"#, min: 1, max: 1),
    Case(expr: "string(input)", vars: ["input": .bytes], hints: ["input": 500], min: 1, max: 51),
    Case(
      expr: "string(input) == string(input)", vars: ["input": .bytes], hints: ["input": 500],
      min: 3, max: 152),
    Case(expr: "bytes(input)", vars: ["input": .string], hints: ["input": 500], min: 1, max: 51),
    Case(
      expr: "bytes(input) == bytes(input)", vars: ["input": .string], hints: ["input": 500],
      min: 3, max: 302),
    Case(expr: "string(1)", min: 1, max: 1),
    Case(
      expr: "input.contains(arg1)", vars: ["input": .string, "arg1": .string],
      hints: ["input": 500, "arg1": 500], min: 2, max: 2502),
    Case(
      expr: #"input.matches('\\d+a\\d+b')"#, vars: ["input": .string], hints: ["input": 500],
      min: 3, max: 103),
    Case(
      expr: "input.startsWith(arg1)", vars: ["input": .string, "arg1": .string],
      hints: ["arg1": 500], min: 2, max: 52),
    Case(
      expr: "input.endsWith(arg1)", vars: ["input": .string, "arg1": .string],
      hints: ["arg1": 500], min: 2, max: 52),
    Case(expr: "input.size()", vars: ["input": .string], min: 2, max: 2),
    Case(expr: "size(input)", vars: ["input": .string], min: 2, max: 2),
    Case(
      expr: "(x > 2 ? input1 : input2).all(y, true)",
      vars: ["x": .int, "input1": allList, "input2": allList],
      hints: ["input1": 1, "input2": 1], min: 4, max: 7),
    Case(
      expr: "input.all(k, input[k].single_int32 > 3)", vars: ["input": allMap],
      hints: ["input": 10], min: 2, max: 82),
    Case(
      expr: "input.all(k, input[k].all(x, true))", vars: ["input": nestedMap],
      hints: ["input": 5, "input.@values": 10], min: 2, max: 187),
    Case(
      expr: "input.all(k, k.contains(k))", vars: ["input": nestedMap],
      hints: ["input": 5, "input.@keys": 10], min: 2, max: 32),
    Case(
      expr: "input.all(k, input[k].all(k, true) && k.contains(k))", vars: ["input": nestedMap],
      hints: ["input": 2, "input.@values": 2, "input.@keys": 5], min: 2, max: 34),
    Case(
      expr: "(list1 + list2).all(x, true)", vars: ["list1": .list(.int), "list2": .list(.int)],
      hints: ["list1": 10, "list2": 10], min: 4, max: 64),
    Case(
      expr: #""abcdefg".contains(str1 + str2)"#, vars: ["str1": .string, "str2": .string],
      hints: ["str1": 10, "str2": 10], min: 2, max: 6),
    Case(
      expr: "list1.size() == list2.size()", vars: ["list1": .list(.int), "list2": .list(.int)],
      min: 5, max: 5),
    Case(
      expr: "x > y ? list1.size() : list2.size()",
      vars: ["x": .int, "y": .int, "list1": .list(.int), "list2": .list(.int)], min: 5, max: 5),
    Case(
      expr:
        #"str1.endsWith("abcdefghijklmnopqrstuvwxyz") == str2.endsWith("abcdefghijklmnopqrstuvwxyz")"#,
      vars: ["str1": .string, "str2": .string], min: 9, max: 9),
    Case(expr: "((5 != 6) == (1 == 2)) == ((3 <= 4) == (9 != 9))", min: 7, max: 7),
    Case(
      expr: "string(timestamp1) == string(timestamp2)",
      vars: ["timestamp1": .timestamp, "timestamp2": .timestamp], min: 5,
      max: 1_844_674_407_370_955_268),
    Case(
      expr: "timestamp1 == timestamp2", vars: ["timestamp1": .timestamp, "timestamp2": .timestamp],
      min: 3, max: 3),
    Case(
      expr: "duration1 != duration2", vars: ["duration1": .duration, "duration2": .duration],
      min: 3, max: 3),
  ]

  @Test(arguments: celGoCases)
  func celGoEstimates(_ c: Case) throws {
    let e = try Self.estimate(c)
    #expect(e == CELCostEstimate(min: c.min, max: c.max), "\(c.expr)")
  }

  /// Kubernetes' library test values (its estimator sizes every string up to 12, has()
  /// is free).
  static let kubernetesCases: [(String, UInt64, UInt64)] = [
    ("[1, 2, 3, 4, 5].sum()", 15, 15),
    ("[1, 2, 3, 4, 5].isSorted()", 15, 15),
    (
      "['012345678901', '012345678901', '012345678901', '012345678901', '012345678901'].max()", 15,
      25
    ),
    ("[1, 2, 3, 4, 5].indexOf(3)", 15, 15),
    ("'01234567890123456789012345678901234567890123456789'.indexOf('123')", 5, 5),
    ("url('https:://kubernetes.io/').getScheme()", 4, 4),
    ("url('https:://kubernetes.io/') == url('https:://kubernetes.io/')", 7, 9),
    ("url('https:://kubernetes.io/') == url('http://x.b')", 5, 5),
    ("ip('192.168.0.1')", 2, 2),
    ("ip('2001:db8:3333:4444:5555:6666:7777:8888')", 4, 4),
    ("ip('192.168.0.1').family()", 3, 3),
    ("ip('192.168.0.1') == ip('192.168.0.1')", 5, 5),
    ("ip.isCanonical('192.168.0.1')", 3, 3),
    ("ip.isCanonical('2001:db8:3333:4444:5555:6666:7777:8888')", 8, 8),
    ("cidr('192.168.0.0/16')", 2, 2),
    ("cidr('192.168.0.0/16').ip()", 3, 3),
    ("cidr('192.168.0.0/16').containsCIDR(cidr('192.0.0.0/30'))", 7, 11),
    ("cidr('192.168.0.0/16').containsCIDR('192.0.0.0/30')", 7, 11),
    ("cidr('192.168.0.0/16').containsIP(ip('192.0.0.1'))", 4, 7),
    ("cidr('192.168.0.0/16').containsIP('192.169.0.1')", 5, 8),
    ("'ABCDEFGHIJ abcdefghij'.lowerAscii()", 3, 3),
    ("'ABCDEFGHIJ abcdefghij'.lowerAscii() == 'abcdefghij ABCDEFGHIJ'.lowerAscii()", 7, 9),
    ("strings.quote('ABCDEFGHIJ abcdefghij')", 3, 3),
    ("strings.quote('ABCDEFGHIJ abcdefghij') == strings.quote('ABCDEFGHIJ abcdefghij')", 7, 11),
    ("'abc 123 def 123'.replace('123', '456')", 3, 3),
    ("'abc 123 def 123'.replace('', 'x')", 3, 3),
    ("'abc 123 def 123'.split(' ')", 3, 3),
    ("'abc 123 def 123'.split(' ', 1)", 3, 3),
    ("'abc 123 def 123'.substring(5, 8)", 2, 2),
    ("'  abc 123 def 123  '.trim()", 2, 2),
    ("['aa', 'bb', 'cc', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join(' ')", 11, 23),
    ("['aa', 'bb', 'cc', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join()", 10, 22),
    ("'abc 123 def 123'.find('123')", 2, 2),
    ("'abc 123 def 123'.findAll('123', 1)", 2, 2),
    (#"quantity("12Mi")"#, 1, 1),
    (#"quantity("200M") == quantity("200M")"#, 3, 3),
    (#"quantity("50k").add(quantity("20")) == quantity("50.02k")"#, 5, 5),
    (#"quantity("50k").add(20).sub(quantity("100k")).sub(-50000).asInteger() > 0"#, 7, 7),
    (#"format.named("dns1123Subdomain").value().validate("my-name")"#, 34, 34),
    ("sets.contains([1], [])", 21, 21),
    ("sets.contains([1, 2, 3, 4], [2, 3])", 29, 29),
    ("sets.contains([[1], [2, 3]], [[2, 3.0]])", 53, 53),
    ("!sets.contains([1], [1, 2])", 24, 24),
    ("sets.equivalent([1, 2, 3], [3u, 2.0, 1])", 39, 39),
    ("sets.intersects([1, 2], [2u, 2, 2.0])", 27, 27),
    (#"semver("1234.56789012345.67890123456789")"#, 4, 4),
    (#"isSemver("1234.56789012345.67890123456789")"#, 4, 4),
    (#"semver("1.0.0").isLessThan(semver("1.1.0"))"#, 3, 3),
    ("{'a': 1, 'b': 2}.all(k, v, v > 0)", 37, 41),
    ("{'a': 1, 'b': 2}.exists(k, v, v > 0)", 39, 43),
    ("{'a': 1, 'b': 2}.existsOne(k, v, v > 0)", 38, 40),
    ("{'a': 1, 'b': 2}.transformMap(k, v, v + 1)", 71, 71),
    ("{'a': 1, 'b': 2}.transformMap(k, v, v < 5, v + 1)", 67, 75),
    ("{'a': 1, 'b': 2}.transformMapEntry(k, v, {k: v + 1})", 131, 131),
    ("{'a': 1, 'b': 2}.transformMapEntry(k, v, v < 5, {k: v + 1})", 67, 135),
    ("[1, 2].all(i, v, v > 0)", 17, 21),
    ("[1, 2].exists(i, v, v > 0)", 19, 23),
    ("[1, 2].existsOne(i, v, v > 0)", 18, 20),
    ("[1, 2].transformList(i, v, v + 1)", 49, 49),
    ("[1, 2].transformList(i, v, v < 5, v + 1)", 27, 53),
  ]

  @Test(arguments: kubernetesCases)
  func kubernetesLibraryEstimates(_ c: (String, UInt64, UInt64)) throws {
    let checked = try CELChecker.check(
      try CELParser.parse(c.0), environment: .all(),
      options: CELCheckerOptions(homogeneousAggregateLiterals: false)
    ).get()
    let e = checked.estimateCost(estimator: TwelveEstimator(), presenceTestHasCost: false)
    #expect(e == CELCostEstimate(min: c.1, max: c.2), "\(c.0)")
  }

  @Test func factorWording() {
    #expect(CELCostEstimation.exceedFactor(12_000_000, limit: 10_000_000) == "1.200000x")
    #expect(CELCostEstimation.exceedFactor(18_100_000, limit: 10_000_000) == "1.8x")
    #expect(CELCostEstimation.exceedFactor(123_456_789, limit: 10_000_000) == "12.3x")
    #expect(CELCostEstimation.exceedFactor(2_000_000_000, limit: 10_000_000) == "more than 100x")
  }

  @Test func estimateIsAboveTheRuntimeCost() throws {
    var env = CELEnvironment.all()
    env.declare("names", .list(.string))
    env.costEstimation = CELCostEstimation(
      estimator: CELPathSizeEstimator(["names": 20, "names.@items": 8]))
    let checked = try Self.checked(
      "names.all(a, names.exists(b, a != b && (a + b).startsWith('x')))", env)
    let program = try CELProgram(checked, environment: env)
    let estimate = try #require(program.estimatedCost)
    let names = (0..<20).map { CELValue.string("name\($0)") }
    let (result, cost) = program.evaluateWithCost(["names": .list(names)])
    #expect(result.isError == false)
    #expect(estimate.min <= cost && cost <= estimate.max, "\(cost) in \(estimate)")
  }

  // MARK: The limit

  func limited(_ limit: UInt64, _ sizes: [String: UInt64], _ vars: [String: CELType])
    -> CELEnvironment
  {
    var env = CELEnvironment.all()
    for (name, t) in vars { env.declare(name, t) }
    env.costEstimation = CELCostEstimation(limit: limit, estimator: CELPathSizeEstimator(sizes))
    return env
  }

  @Test func checkerRejectsAnExpressionOverTheLimit() throws {
    let env = limited(1_000_000, [:], ["s": .string])
    let text = "s.matches('^[a-z]+(-[a-z]+)*$')"
    let result = CELChecker.check(try CELParser.parse(text), environment: env)
    guard case .failure(let error) = result else {
      Issue.record("expected a cost error")
      return
    }
    let message = try #require(error.messages.first)
    #expect(message.contains("expression '\(text)' has an estimated cost of up to "))
    #expect(message.contains("exceeds the cost limit of 1000000 by factor of more than 100x"))
    #expect(error.description.hasPrefix("ERROR: <input>:1:"))
  }

  @Test func checkerAcceptsTheSameExpressionOverBoundedSizes() throws {
    let env = limited(1_000_000, ["s": 253], ["s": .string])
    let checked = try Self.checked("s.matches('^[a-z]+(-[a-z]+)*$')", env)
    // 1 + ⌈0.1·(1 + 0...253)⌉ · ⌈0.25·18⌉
    #expect(checked.estimateCost(env.costEstimation) == CELCostEstimate(min: 6, max: 131))
  }

  @Test func noLimitByDefault() throws {
    var env = CELEnvironment.all()
    env.declare("s", .string)
    let checked = try Self.checked("s.matches('a') && s.contains(s)", env)
    #expect(checked.estimateCost().max == .max)
  }

  // MARK: Hostile expressions

  /// Hostile expressions over a list of 10,000 strings of up to 10,000 bytes, each
  /// rejected by a 10M limit with its estimate.
  static let hostile: [String] = [
    // Nested comprehensions: 10⁴ · 10⁴ · 10⁴ iterations.
    "l.all(a, l.all(b, l.all(c, a + b + c != '')))",
    // A quadratic pairwise check with string work in the body.
    "l.all(a, l.exists(b, a + b == b + a))",
    // Strings grown by joins, then joined again.
    "l.map(x, l.join(x)).join('').size() > 0",
    // A regex over a string made of the whole list.
    "l.join('').matches('(a+)+$')",
    // `contains` of two huge strings.
    "l.join(',').contains(l.join(';'))",
    // Building lists of lists.
    "l.map(a, l.map(b, a + b)).size() > 0",
  ]

  @Test(arguments: hostile)
  func hostileExpressionsAreRejectedStatically(_ text: String) throws {
    let env = limited(10_000_000, ["l": 10_000, "l.@items": 10_000], ["l": .list(.string)])
    let result = CELChecker.check(try CELParser.parse(text), environment: env)
    guard case .failure(let error) = result else {
      Issue.record("\(text) was accepted")
      return
    }
    let message = try #require(error.messages.first)
    #expect(message.hasPrefix("expression '\(text)' has an estimated cost of up to "))
    #expect(message.contains("exceeds the cost limit of 10000000 by factor of "))
  }

  /// With no size information the same expressions check (their sizes are unknown, so
  /// their estimates are astronomical but nothing is enforced), and the runtime limit
  /// stops them on a large input: 3,000 distinct strings of 1,000 bytes (a call whose cost
  /// follows from its arguments, such as `contains`, is refused before it runs).
  @Test(arguments: hostile)
  func runtimeLimitStillStopsThemWhenSizesAreUnknown(_ text: String) throws {
    var env = CELEnvironment.all()
    env.declare("l", .list(.string))
    let checked = try Self.checked(text, env)
    #expect(checked.estimateCost().max > 1_000_000_000_000_000)
    let program = try CELProgram(checked, environment: env)
    let pad = String(repeating: "a", count: 990)
    let list = CELValue.list(
      (0..<3_000).map { i in .string(pad + String(String(i).reversed()).padding(10)) })
    let (result, cost) = program.evaluateWithCost(["l": list])
    #expect(result.isError)
    if case .error(let e) = result { #expect(e == .costLimitExceeded) }
    #expect(cost > 1_000_000)
  }
}

extension String {
  /// Right-padded with dots to `n` characters.
  fileprivate func padding(_ n: Int) -> String {
    self + String(repeating: ".", count: max(0, n - count))
  }
}
