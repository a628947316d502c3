import Testing

@testable import Objects

private func fieldParseError(_ text: String) -> FieldSelectorError? {
  do {
    _ = try FieldSelector(parsing: text)
    return nil
  } catch {
    return error
  }
}

@Suite struct FieldSelectorParsingTests {
  @Test(arguments: [
    ("metadata.name=web", "metadata.name", FieldSelector.Operator.equals, "web"),
    ("metadata.name==web", "metadata.name", .equals, "web"),
    ("metadata.namespace!=kube-system", "metadata.namespace", .notEquals, "kube-system"),
    ("spec.nodeName=", "spec.nodeName", .equals, ""),
    ("spec.nodeName!=", "spec.nodeName", .notEquals, ""),
    ("a=b c", "a", .equals, "b c"),
    ("a==\\=x", "a", .equals, "=x"),
    ("a!=\\\\", "a", .notEquals, "\\"),
  ])
  func parsesOneRequirement(
    text: String, field: String, op: FieldSelector.Operator, value: String
  ) throws {
    let selector = try FieldSelector(parsing: text)
    #expect(
      selector.requirements == [FieldSelector.Requirement(field: field, operator: op, value: value)]
    )
  }

  @Test func sortsTermsAndNormalizesDoubleEquals() throws {
    let selector = try FieldSelector(parsing: "status.phase==Running,metadata.name!=web")
    #expect(selector.requirements.map(\.field) == ["metadata.name", "status.phase"])
    #expect(selector.description == "metadata.name!=web,status.phase=Running")
  }

  @Test(arguments: ["", ",", ",,"])
  func emptySelectsEverything(text: String) throws {
    let selector = try FieldSelector(parsing: text)
    #expect(selector == .everything)
    #expect(selector.isEverything)
    #expect(selector.description == "")
    #expect(selector.matches { _ in nil })
  }

  @Test func skipsEmptyTerms() throws {
    let selector = try FieldSelector(parsing: "a=1,,b=2,")
    #expect(selector.description == "a=1,b=2")
  }

  @Test func unescapesValues() throws {
    let selector = try FieldSelector(parsing: "a=x\\,y\\=z\\\\w,b=\\,")
    #expect(selector.requirements.map(\.value) == ["x,y=z\\w", ","])
    #expect(selector.description == "a=x\\,y\\=z\\\\w,b=\\,")
  }

  @Test func escapesAndUnescapesValues() throws {
    #expect(FieldSelector.escapeValue("a,b=c\\d") == "a\\,b\\=c\\\\d")
    #expect(FieldSelector.escapeValue("plain é") == "plain é")
    #expect(try FieldSelector.unescapeValue("a\\,b\\=c\\\\d") == "a,b=c\\d")
    #expect(try FieldSelector.unescapeValue("") == "")
    let value = "x=,\\\\,,=é"
    #expect(try FieldSelector.unescapeValue(FieldSelector.escapeValue(value)) == value)
  }

  @Test func typedRequirementsRenderEscaped() {
    let selector = FieldSelector([
      .init(field: "spec.b", operator: .notEquals, value: "x"),
      .init(field: "spec.a", operator: .equals, value: "p,q"),
    ])
    #expect(selector.description == "spec.a=p\\,q,spec.b!=x")
  }

  @Test func exposesExactMatches() throws {
    let selector = try FieldSelector(parsing: "metadata.namespace=ns,metadata.name!=x")
    #expect(selector.requiresExactMatch("metadata.namespace") == "ns")
    #expect(selector.requiresExactMatch("metadata.name") == nil)
    #expect(selector.requiresExactMatch("spec.nodeName") == nil)
  }

  @Test(arguments: [
    "metadata.name=web,metadata.namespace!=kube-system",
    "a==b",
    "a=x\\,y\\=z\\\\w",
    "b=,a!=",
    "a==z,a=b",
    "",
  ])
  func descriptionRoundTrips(text: String) throws {
    let selector = try FieldSelector(parsing: text)
    let reparsed = try FieldSelector(parsing: selector.description)
    #expect(reparsed == selector)
    #expect(reparsed.description == selector.description)
  }
}

@Suite struct FieldSelectorMatchingTests {
  static let fields = [
    "metadata.name": "web", "metadata.namespace": "default", "spec.nodeName": "",
    "spec.odd": "a,b=c",
  ]

  @Test(arguments: [
    ("metadata.name=web", true), ("metadata.name==web", true), ("metadata.name=db", false),
    ("metadata.name!=web", false), ("metadata.name!=db", true),
    ("spec.missing=", true), ("spec.missing!=", false),
    ("spec.missing=x", false), ("spec.missing!=x", true),
    ("spec.nodeName=", true), ("spec.nodeName!=", false),
    ("spec.odd=a\\,b\\=c", true), ("spec.odd!=a\\,b\\=c", false),
    ("metadata.name=web,metadata.namespace=default", true),
    ("metadata.name=web,metadata.namespace!=default", false),
    ("", true),
  ])
  func matchesLikeKubernetes(text: String, expected: Bool) throws {
    let selector = try FieldSelector(parsing: text)
    #expect(selector.matches { Self.fields[$0] } == expected)
    #expect(selector.matches(Self.fields) == expected)
  }

  @Test func requirementsMatchOnTheirOwn() {
    let requirement = FieldSelector.Requirement(field: "a", operator: .notEquals, value: "")
    #expect(requirement.matches { $0 == "a" ? "x" : nil })
    #expect(!requirement.matches { _ in nil })
  }
}

@Suite struct FieldSelectorErrorTests {
  @Test(arguments: [
    ("abc", "invalid selector: 'abc'; can't understand 'abc'"),
    ("a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"),
    ("a=b\\x", "invalid field selector: invalid escape sequence: \\x in 'a=b\\x'"),
    ("a=é\\é", "invalid field selector: invalid escape sequence: \\é in 'a=é\\é'"),
    ("a=b\\", "invalid field selector: invalid escape sequence: \\ in 'a=b\\'"),
    ("a=b=c", "invalid field selector: unescaped character in value: '=' in 'a=b=c'"),
    ("a!=b==c", "invalid field selector: unescaped character in value: '=' in 'a!=b==c'"),
    ("x\\=y=z", "invalid field selector: unescaped character in value: '=' in 'x\\=y=z'"),
    (
      "=x", "invalid selector: '=x'; can't understand '=x': field name '' must be non-empty"
    ),
    (
      "a=1, b=2",
      "invalid selector: 'a=1, b=2'; can't understand ' b=2': field name ' b' must be"
        + " non-empty and without whitespace"
    ),
    ("a b=c", "field name 'a b' must be non-empty and without whitespace"),
  ])
  func reportsTheOffendingTerm(text: String, message: String) throws {
    let error = try #require(fieldParseError(text))
    #expect(error.message.contains(message), "\(error.message)")
    #expect(error.description == error.message)
  }

  @Test func unescapeReportsBareSpecialCharacters() throws {
    let error = try #require(
      #expect(throws: FieldSelectorError.self) { try FieldSelector.unescapeValue("a,b") })
    #expect(error.message == "invalid field selector: unescaped character in value: ','")
  }
}
