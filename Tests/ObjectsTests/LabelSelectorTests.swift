import Testing

@testable import Objects

private func parseError(_ text: String) -> LabelSelectorError? {
  do {
    _ = try LabelSelector(parsing: text)
    return nil
  } catch {
    return error
  }
}

private func objectError(_ value: Value, path: ValuePath = ValuePath()) -> LabelSelectorError? {
  do {
    _ = try LabelSelector(value: value, path: path)
    return nil
  } catch {
    return error
  }
}

@Suite struct LabelSelectorParsingTests {
  @Test(arguments: [
    ("a=b", "a", LabelSelector.Operator.equals, ["b"]),
    ("a==b", "a", .doubleEquals, ["b"]),
    ("a!=b", "a", .notEquals, ["b"]),
    ("a in (c,b)", "a", .in, ["b", "c"]),
    ("a notin (c,b,b)", "a", .notIn, ["b", "c"]),
    ("a", "a", .exists, []),
    ("!a", "a", .doesNotExist, []),
    ("a>3", "a", .greaterThan, ["3"]),
    ("a<4", "a", .lessThan, ["4"]),
    ("example.com/app=web", "example.com/app", .equals, ["web"]),
    ("a=", "a", .equals, [""]),
    ("a in ()", "a", .in, [""]),
    ("a in (,b)", "a", .in, ["", "b"]),
    ("a in (b,)", "a", .in, ["", "b"]),
    ("a in (b,,c)", "a", .in, ["", "b", "c"]),
    ("a in (in,notin)", "a", .in, ["in", "notin"]),
    ("in=notin", "in", .equals, ["notin"]),
  ])
  func parsesOneRequirement(
    text: String, key: String, op: LabelSelector.Operator, values: [String]
  ) throws {
    let selector = try LabelSelector(parsing: text)
    #expect(selector.requirements.count == 1)
    let requirement = try #require(selector.requirements.first)
    #expect(requirement.key == key)
    #expect(requirement.operator == op)
    #expect(requirement.values == values)
  }

  @Test func toleratesWhitespace() throws {
    let selector = try LabelSelector(parsing: "  a = b ,\tc\nin ( d , e ) , ! f ,g\r\n")
    #expect(selector.description == "a=b,c in (d,e),!f,g")
  }

  @Test func sortsRequirementsByKeyKeepingOrderOfEqualKeys() throws {
    let selector = try LabelSelector(parsing: "z=1,a!=2,m,a=3")
    #expect(selector.requirements.map(\.key) == ["a", "a", "m", "z"])
    #expect(selector.description == "a!=2,a=3,m,z=1")
  }

  @Test func parsesTheFullSyntax() throws {
    let selector = try LabelSelector(
      parsing: "a=b,c!=d,e in (f,g),h notin (i),!j,k,l>3,m<4")
    #expect(
      selector.requirements.map(\.operator) == [
        .equals, .notEquals, .in, .notIn, .doesNotExist, .exists, .greaterThan, .lessThan,
      ])
    #expect(selector.description == "a=b,c!=d,e in (f,g),h notin (i),!j,k,l>3,m<4")
  }

  @Test(arguments: ["", "   ", "\t\n"])
  func emptyTextSelectsEverything(text: String) throws {
    let selector = try LabelSelector(parsing: text)
    #expect(selector == .everything)
    #expect(selector.isEverything)
    #expect(!selector.isNothing)
    #expect(selector.description == "")
    #expect(selector.matches([:]))
    #expect(selector.matches(["a": "b"]))
  }

  @Test func nothingMatchesNothing() {
    #expect(LabelSelector.nothing.isNothing)
    #expect(!LabelSelector.nothing.isEverything)
    #expect(LabelSelector.nothing != .everything)
    #expect(!LabelSelector.nothing.matches([:]))
    #expect(!LabelSelector.nothing.matches(["a": "b"]))
    #expect(LabelSelector.nothing.description == "<nothing>")
    #expect(parseError(LabelSelector.nothing.description) != nil)
  }

  @Test func equalSelectorsCompareEqual() throws {
    #expect(try LabelSelector(parsing: "a=b,c") == LabelSelector(parsing: " c , a = b "))
    #expect(try LabelSelector(parsing: "a in (x,y)") == LabelSelector(parsing: "a in (y,x,y)"))
    #expect(try LabelSelector(parsing: "a=b") != LabelSelector(parsing: "a!=b"))
  }

  @Test(arguments: [
    "a=b,c!=d,e in (f,g),h notin (i),!j,k,l>3,m<4",
    "x==y",
    "a=",
    "a in ()",
    "a in (,b)",
    "a notin (b,c),a in (c)",
    "example.com/app.kubernetes.io-x=v_1.2-3",
    "",
  ])
  func descriptionRoundTrips(text: String) throws {
    let selector = try LabelSelector(parsing: text)
    let reparsed = try LabelSelector(parsing: selector.description)
    #expect(reparsed == selector)
    #expect(reparsed.description == selector.description)
  }
}

@Suite struct LabelSelectorMatchingTests {
  static let labels = ["app": "web", "tier": "front", "replicas": "5", "empty": "", "n": "x1"]

  @Test(arguments: [
    ("app=web", true), ("app==web", true), ("app=db", false), ("absent=web", false),
    ("app!=web", false), ("app!=db", true), ("absent!=web", true),
    ("app in (db,web)", true), ("app in (db)", false), ("absent in (web)", false),
    ("app notin (db,web)", false), ("app notin (db)", true), ("absent notin (web)", true),
    ("app", true), ("absent", false), ("empty", true),
    ("!app", false), ("!absent", true), ("!empty", false),
    ("replicas>4", true), ("replicas>5", false), ("replicas<6", true), ("replicas<5", false),
    ("absent>0", false), ("absent<9", false), ("n>0", false), ("n<9", false),
    ("app>0", false), ("app<9", false),
    ("empty=", true), ("empty in ()", true), ("empty!=", false), ("absent=", false),
    ("app=web,tier=front", true), ("app=web,tier=back", false), ("app=web,!tier", false),
    ("app=web,replicas>4,!absent,absent notin (x)", true),
  ])
  func matchesLikeKubernetes(text: String, expected: Bool) throws {
    let selector = try LabelSelector(parsing: text)
    #expect(selector.matches(Self.labels) == expected)
    let value = Value.map(ValueMap(Self.labels.map { ($0.key, Value.string($0.value)) }))
    #expect(selector.matches(labels: value) == expected)
    #expect(selector.matches { Self.labels[$0] } == expected)
  }

  @Test func matchesLabelValues() throws {
    let selector = try LabelSelector(parsing: "app=web,!count")
    #expect(selector.matches(labels: ["app": "web"]))
    #expect(selector.matches(labels: ["app": "web", "count": 3]))
    #expect(!selector.matches(labels: ["app": 1]))
    #expect(!selector.matches(labels: nil))
    #expect(!selector.matches(labels: .null))
    #expect(!selector.matches(labels: "app=web"))
    #expect(try LabelSelector(parsing: "!app").matches(labels: nil))
    #expect(LabelSelector.everything.matches(labels: nil))
  }

  @Test func integerComparisonsNeedIntegers() throws {
    let selector = try LabelSelector(parsing: "n>10")
    #expect(selector.matches(["n": "11"]))
    #expect(selector.matches(["n": "+11"]))
    #expect(!selector.matches(["n": "10"]))
    #expect(!selector.matches(["n": "-11"]))
    #expect(!selector.matches(["n": "11.5"]))
    #expect(!selector.matches(["n": "99999999999999999999"]))
    #expect(!selector.matches(["n": ""]))
  }
}

@Suite struct LabelSelectorParseErrorTests {
  @Test(arguments: [
    ("(a", "found '(', expected: !, identifier, or 'end of string'", 0),
    ("!=a", "found '!=', expected: !, identifier, or 'end of string'", 0),
    ("a=b c", "found 'c', expected: ',' or 'end of string'", 4),
    ("!a=b", "found '=', expected: ',' or 'end of string'", 2),
    ("a=b,,c", "found ',', expected: identifier after ','", 4),
    ("a=b,", "found '', expected: identifier after ','", 4),
    ("a=b,)", "found ')', expected: identifier after ','", 4),
    ("!", "unable to parse requirement: found '', expected: identifier", 1),
    ("!(", "unable to parse requirement: found '(', expected: identifier", 1),
    ("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt", 2),
    ("a in b", "unable to parse requirement: found 'b' expected: '('", 5),
    ("a in", "unable to parse requirement: found '' expected: '('", 4),
    ("a in (b", "unable to parse requirement: found '', expected: ',' or ')'", 7),
    ("a in (b c)", "unable to parse requirement: found 'c', expected: ',' or ')'", 8),
    ("a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier", 6),
    ("a in (b,=)", "unable to parse requirement: found '=', expected: ',', or identifier", 8),
    ("a=(", "unable to parse requirement: found '(', expected: identifier", 2),
    ("a!=!", "unable to parse requirement: found '!', expected: identifier", 3),
  ])
  func reportsSyntaxErrors(text: String, message: String, offset: Int) throws {
    let error = try #require(parseError(text))
    #expect(error.message == message)
    #expect(error.offset == offset)
    #expect(error.description == "\(message) (at offset \(offset))")
  }

  @Test(arguments: [
    ("-a=b", ["unable to parse requirement: Invalid value: \"-a\": name part must consist of"]),
    ("a/b/c=d", ["\"a/b/c\"", "a qualified name must consist of alphanumeric characters"]),
    ("Foo/a=b", ["\"Foo/a\"", "prefix part a lowercase RFC 1123 subdomain must consist"]),
    ("/a", ["\"/a\"", "prefix part must be non-empty"]),
    ("a/", ["\"a/\"", "name part must be non-empty; name part must consist of"]),
    ("a_", ["\"a_\"", "name part must consist of alphanumeric characters, '-', '_' or '.'"]),
    (
      String(repeating: "k", count: 64),
      [String(repeating: "k", count: 64), "name part must be no more than 63 characters"]
    ),
    (
      String(repeating: "p", count: 254) + "/a",
      ["prefix part must be no more than 253 characters"]
    ),
    ("a=-b", ["values[0].a: Invalid value: \"-b\": a valid label must be an empty string"]),
    ("a in (b,c_)", ["values[1].a: Invalid value: \"c_\"", "'MyValue',  or 'my_value'"]),
    (
      "a=" + String(repeating: "v", count: 64),
      [String(repeating: "v", count: 64), "must be no more than 63 characters"]
    ),
    ("a>b", ["values[0]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the value must be"]),
    ("a<", ["values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, the value must be"]),
    ("a>1.5", ["\"1.5\"", "the value must be an integer"]),
  ])
  func reportsInvalidKeysAndValues(text: String, fragments: [String]) throws {
    let error = try #require(parseError(text))
    #expect(error.message.hasPrefix("unable to parse requirement: "))
    #expect(!error.fieldErrors.isEmpty)
    for fragment in fragments {
      #expect(error.message.contains(fragment), "\(error.message) lacks \(fragment)")
    }
  }

  @Test func aggregatesSeveralValueErrors() throws {
    let error = try #require(parseError("a>-x"))
    #expect(error.fieldErrors.count == 2)
    #expect(
      error.message.hasPrefix(
        "unable to parse requirement: [values[0]: Invalid value: \"-x\": for 'Gt', 'Lt'"
          + " operators, the value must be an integer, values[0].a: Invalid value: \"-x\":"
          + " a valid label must be"))
    #expect(error.message.hasSuffix("]"))
    #expect(error.offset == 0)
  }

  @Test func offsetPointsAtTheFailingRequirement() throws {
    let error = try #require(parseError("a=b, c>x"))
    #expect(error.offset == 5)
    #expect(error.message.contains("\"x\""))
  }
}

@Suite struct LabelSelectorRequirementTests {
  @Test func validRequirementsSortAndDeduplicateValues() throws {
    let requirement = try LabelSelector.Requirement(
      key: "tier", operator: .notIn, values: ["b", "a", "b"])
    #expect(requirement.values == ["a", "b"])
    #expect(requirement.description == "tier notin (a,b)")
    let selector = LabelSelector([
      requirement, try LabelSelector.Requirement(key: "app", operator: .exists),
    ])
    #expect(selector.description == "app,tier notin (a,b)")
  }

  @Test(arguments: [
    (LabelSelector.Operator.in, [String](), "values: Invalid value: []: for 'in', 'notin'"),
    (.notIn, [], "values set can't be empty"),
    (.equals, ["a", "b"], "values: Invalid value: [\"a\",\"b\"]: exact-match compatibility"),
    (.notEquals, [], "exact-match compatibility requires one single value"),
    (.exists, ["a"], "values: Invalid value: [\"a\"]: values set must be empty for exists"),
    (.doesNotExist, ["a"], "values set must be empty for exists and does not exist"),
    (.greaterThan, ["1", "2"], "for 'Gt', 'Lt' operators, exactly one value is required"),
    (.lessThan, ["x"], "values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value"),
  ])
  func rejectsWrongValueCounts(op: LabelSelector.Operator, values: [String], fragment: String)
    throws
  {
    let error = try #require(
      #expect(throws: LabelSelectorError.self) {
        try LabelSelector.Requirement(key: "k", operator: op, values: values)
      })
    #expect(error.message.contains(fragment), "\(error.message)")
    #expect(error.offset == nil)
  }

  @Test func rejectsInvalidKey() throws {
    do {
      _ = try LabelSelector.Requirement(key: "bad key", operator: .exists)
      Issue.record("expected an error")
    } catch {
      #expect(error.message.hasPrefix("key: Invalid value: \"bad key\": name part must"))
    }
  }
}

@Suite struct LabelSelectorObjectTests {
  @Test func buildsFromMatchLabelsAndExpressions() throws {
    let selector = try LabelSelector(
      matchLabels: ["app": "web", "env": "prod"],
      matchExpressions: [
        .init(key: "tier", operator: .in, values: ["b", "a"]),
        .init(key: "canary", operator: .doesNotExist),
        .init(key: "zone", operator: .notIn, values: ["x"]),
        .init(key: "team", operator: .exists),
      ])
    #expect(selector.description == "app=web,!canary,env=prod,team,tier in (a,b),zone notin (x)")
    #expect(selector.matches(["app": "web", "env": "prod", "team": "t", "tier": "a"]))
    #expect(!selector.matches(["app": "web", "env": "prod", "team": "t", "tier": "c"]))
    #expect(!selector.matches(["app": "web", "env": "prod", "tier": "a"]))
  }

  @Test func emptyObjectSelectsEverything() throws {
    #expect(try LabelSelector(matchLabels: [:], matchExpressions: []) == .everything)
    #expect(try LabelSelector(value: [:]) == .everything)
    #expect(try LabelSelector(value: ["matchLabels": nil, "matchExpressions": nil]) == .everything)
    #expect(try LabelSelector(value: ["matchLabels": [:], "matchExpressions": []]) == .everything)
  }

  @Test func decodesTheJSONForm() throws {
    let value = try JSON.decode(
      """
      {"matchLabels": {"app": "web"},
       "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["db"]},
                            {"key": "gpu", "operator": "Exists", "values": null}]}
      """)
    let selector = try LabelSelector(value: value)
    #expect(selector.description == "app=web,gpu,tier notin (db)")
    #expect(selector == (try LabelSelector(parsing: "tier notin (db), gpu, app=web")))
  }

  @Test func absentSelectorsMeanWhatTheCallerSays() throws {
    #expect(try LabelSelector.decode(nil, ifAbsent: .nothing) == .nothing)
    #expect(try LabelSelector.decode(.null, ifAbsent: .everything) == .everything)
    #expect(
      try LabelSelector.decode(["matchLabels": ["a": "b"]], ifAbsent: .nothing)
        .description == "a=b")
    let error = try #require(objectError(.null, path: "spec.selector"))
    #expect(error.message == "spec.selector: Invalid value: null: must be of type object")
  }

  static let fieldErrorCases: [(Value, String)] = [
    (
      ["matchExpressions": [["key": "a", "operator": "In"]]],
      "matchExpressions[0].values: Required value: must be specified when `operator` is"
        + " 'In' or 'NotIn'"
    ),
    (
      ["matchExpressions": [["key": "a", "operator": "NotIn", "values": []]]],
      "matchExpressions[0].values: Required value: must be specified"
    ),
    (
      ["matchExpressions": [["key": "a", "operator": "Exists", "values": ["x"]]]],
      "matchExpressions[0].values: Forbidden: may not be specified when `operator` is"
        + " 'Exists' or 'DoesNotExist'"
    ),
    (
      ["matchExpressions": [["key": "a", "operator": "Gt", "values": ["1"]]]],
      "matchExpressions[0].operator: Invalid value: \"Gt\": not a valid selector operator"
    ),
    (
      ["matchExpressions": [["key": "a"]]],
      "matchExpressions[0].operator: Invalid value: \"\": not a valid selector operator"
    ),
    (
      ["matchExpressions": [["operator": "Exists"]]],
      "matchExpressions[0].key: Invalid value: \"\": name part must be non-empty"
    ),
    (
      ["matchExpressions": [["key": "a", "operator": "In", "values": ["ok", "-x"]]]],
      "matchExpressions[0].values[1]: Invalid value: \"-x\": a valid label must be"
    ),
    (["matchLabels": ["-k": "v"]], "matchLabels: Invalid value: \"-k\": name part must"),
    (["matchLabels": ["k": "v!"]], "matchLabels: Invalid value: \"v!\": a valid label must"),
    (["matchLabels": 5], "matchLabels: Invalid value: 5: must be of type object"),
    (["matchLabels": ["k": 5]], "matchLabels.k: Invalid value: 5: must be of type string"),
    (["matchExpressions": ["x"]], "matchExpressions[0]: Invalid value: \"x\": must be of type"),
    (["matchExpressions": [:]], "matchExpressions: Invalid value: {}: must be of type array"),
    (
      ["matchExpressions": [["key": 1, "operator": "Exists"]]],
      "matchExpressions[0].key: Invalid value: 1: must be of type string"
    ),
    (
      ["matchExpressions": [["key": "a", "operator": "In", "values": "b"]]],
      "matchExpressions[0].values: Invalid value: \"b\": must be of type array"
    ),
    (
      ["matchExpressions": [["key": "a", "operator": "In", "values": [true]]]],
      "matchExpressions[0].values[0]: Invalid value: true: must be of type string"
    ),
    (["matchLabel": ["a": "b"]], "matchLabel: Forbidden: unknown field"),
    (
      ["matchExpressions": [["key": "a", "operator": "Exists", "value": "b"]]],
      "matchExpressions[0].value: Forbidden: unknown field"
    ),
    ("app=web", "Invalid value: \"app=web\": must be of type object"),
  ]

  @Test(arguments: fieldErrorCases)
  func reportsFieldErrors(value: Value, message: String) throws {
    let error = try #require(objectError(value))
    #expect(error.message.contains(message), "\(error.message)")
    #expect(!error.fieldErrors.isEmpty)
    #expect(error.offset == nil)
  }

  @Test func prefixesErrorsWithThePath() throws {
    let value: Value = ["matchExpressions": [["key": "a", "operator": "In"]]]
    let error = try #require(objectError(value, path: "spec.selector"))
    #expect(
      error.message
        == "spec.selector.matchExpressions[0].values: Required value: must be specified when"
        + " `operator` is 'In' or 'NotIn'")
  }

  @Test func aggregatesAllErrors() throws {
    let value: Value = [
      "matchLabels": ["a": "-"],
      "matchExpressions": [["key": "b", "operator": "In"], ["key": "c", "operator": "Nope"]],
    ]
    let error = try #require(objectError(value))
    #expect(error.fieldErrors.count == 3)
    #expect(error.message.hasPrefix("[matchLabels: Invalid value: \"-\""))
    #expect(error.message.contains(", matchExpressions[0].values: Required value"))
    #expect(error.message.hasSuffix("\"Nope\": not a valid selector operator]"))
  }

  @Test func typedInitializerValidatesToo() throws {
    let error = try #require(
      #expect(throws: LabelSelectorError.self) {
        try LabelSelector(
          matchLabels: ["a": "b"], matchExpressions: [.init(key: "k", operator: .in)],
          path: "spec.selector")
      })
    #expect(
      error.message
        == "spec.selector.matchExpressions[0].values: Required value: must be specified when"
        + " `operator` is 'In' or 'NotIn'")
  }
}
