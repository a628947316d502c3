import Testing

@testable import Objects

@Suite struct NameValidationTests {
  static let subdomainMessage =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or"
    + " '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex"
    + " used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
  static let labelMessage =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and"
    + " must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex"
    + " used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
  static let nameMessage =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an"
    + " alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for"
    + " validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
  static let labelValueMessage =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or"
    + " '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or"
    + " 'my_value',  or '12345', regex used for validation is"
    + " '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

  // MARK: - DNS-1123 subdomain

  @Test(arguments: [
    "a", "0", "example.com", "a-b.c-d", "a--b", "1.2.3.4", "my-app-v2", "a.b.c.d.e",
  ])
  func validSubdomains(_ name: String) {
    #expect(NameValidation.isDNS1123Subdomain(name) == [])
  }

  @Test(arguments: [
    "", "A", "Foo", "foo_bar", "-a", "a-", ".a", "a.", "a..b", "a.-b", "a-.b", "a b", "é",
    "a/b", "a:b",
  ])
  func invalidSubdomains(_ name: String) {
    #expect(NameValidation.isDNS1123Subdomain(name) == [Self.subdomainMessage])
  }

  @Test func subdomainLengthBoundary() {
    let label = String(repeating: "a", count: 63)
    let s253 = [label, label, label, String(repeating: "b", count: 61)].joined(separator: ".")
    #expect(s253.utf8.count == 253)
    #expect(NameValidation.isDNS1123Subdomain(s253) == [])
    let s254 = s253 + "c"
    #expect(NameValidation.isDNS1123Subdomain(s254) == ["must be no more than 253 characters"])
    #expect(
      NameValidation.isDNS1123Subdomain(s254 + "-")
        == ["must be no more than 253 characters", Self.subdomainMessage])
  }

  // MARK: - DNS-1123 label

  @Test func labels() {
    #expect(NameValidation.isDNS1123Label("my-name") == [])
    #expect(NameValidation.isDNS1123Label("123-abc") == [])
    #expect(NameValidation.isDNS1123Label("a.b") == ["must not contain dots"])
    #expect(NameValidation.isDNS1123Label("My-Name") == [Self.labelMessage])
    #expect(NameValidation.isDNS1123Label("a.-b") == [Self.labelMessage])
    #expect(NameValidation.isDNS1123Label("") == [Self.labelMessage])
  }

  @Test func labelLengthBoundary() {
    #expect(NameValidation.isDNS1123Label(String(repeating: "a", count: 63)) == [])
    #expect(
      NameValidation.isDNS1123Label(String(repeating: "a", count: 64))
        == ["must be no more than 63 characters"])
    #expect(
      NameValidation.isDNS1123Label(String(repeating: "a", count: 63) + ".b")
        == ["must be no more than 63 characters", "must not contain dots"])
  }

  @Test func dns1035Labels() {
    #expect(NameValidation.isDNS1035Label("abc-123") == [])
    #expect(
      NameValidation.isDNS1035Label("1abc") == [
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with"
          + " an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', "
          + " or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
      ])
  }

  // MARK: - Qualified names

  @Test(arguments: [
    "a", "A", "app", "App.Name_1", "app.kubernetes.io/name", "example.com/My_Name", "a-b",
    "x/y",
  ])
  func validQualifiedNames(_ key: String) {
    #expect(NameValidation.isQualifiedName(key) == [])
  }

  @Test func qualifiedNameParts() {
    #expect(
      NameValidation.isQualifiedName("") == [
        "name part must be non-empty", "name part " + Self.nameMessage,
      ])
    #expect(NameValidation.isQualifiedName("-a") == ["name part " + Self.nameMessage])
    #expect(NameValidation.isQualifiedName("a_") == ["name part " + Self.nameMessage])
    #expect(
      NameValidation.isQualifiedName("/a") == ["prefix part must be non-empty"])
    #expect(
      NameValidation.isQualifiedName("Example.com/a") == ["prefix part " + Self.subdomainMessage])
    #expect(
      NameValidation.isQualifiedName("example.com/")
        == ["name part must be non-empty", "name part " + Self.nameMessage])
    #expect(
      NameValidation.isQualifiedName("a/b/c") == [
        "a qualified name " + Self.nameMessage
          + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
      ])
  }

  @Test func qualifiedNameLengths() {
    let name63 = String(repeating: "n", count: 63)
    #expect(NameValidation.isQualifiedName(name63) == [])
    #expect(
      NameValidation.isQualifiedName(name63 + "n") == [
        "name part must be no more than 63 characters"
      ])
    let label63 = String(repeating: "p", count: 63)
    let prefix253 = [label63, label63, label63, String(repeating: "q", count: 61)]
      .joined(separator: ".")
    #expect(prefix253.utf8.count == 253)
    #expect(NameValidation.isQualifiedName(prefix253 + "/" + name63) == [])
    #expect(
      NameValidation.isQualifiedName(prefix253 + "p/" + name63)
        == ["prefix part must be no more than 253 characters"])
  }

  // MARK: - Label values

  @Test func labelValues() {
    #expect(NameValidation.isValidLabelValue("") == [])
    #expect(NameValidation.isValidLabelValue("MyValue") == [])
    #expect(NameValidation.isValidLabelValue("my_value.1-2") == [])
    #expect(NameValidation.isValidLabelValue("a b") == [Self.labelValueMessage])
    #expect(NameValidation.isValidLabelValue("_a") == [Self.labelValueMessage])
    #expect(NameValidation.isValidLabelValue(String(repeating: "v", count: 63)) == [])
    #expect(
      NameValidation.isValidLabelValue(String(repeating: "v", count: 64))
        == ["must be no more than 63 characters"])
  }

  // MARK: - Object names

  @Test func generateNameMayEndWithDash() {
    #expect(NameValidation.validateObjectName("web-", prefix: true) == [])
    #expect(NameValidation.validateObjectName("web-") == [Self.subdomainMessage])
    #expect(NameValidation.validateNamespaceName("team-", prefix: true) == [])
    #expect(NameValidation.validateNamespaceName("team.a") == ["must not contain dots"])
  }

  // MARK: - Labels

  @Test func validLabels() {
    let labels: Value = ["app.kubernetes.io/name": "web", "tier": "", "empty": nil]
    #expect(NameValidation.validateLabels(labels, at: "metadata.labels") == [])
    #expect(NameValidation.validateLabels(nil, at: "metadata.labels") == [])
    #expect(NameValidation.validateLabels(.null, at: "metadata.labels") == [])
  }

  @Test func invalidLabelsReportEveryProblem() {
    let labels: Value = ["bad key": "bad value", "ok": 3, "x/y/z": "fine"]
    let errors = NameValidation.validateLabels(labels, at: "metadata.labels")
    #expect(
      errors.map(\.description) == [
        "metadata.labels: Invalid value: \"bad key\": name part " + Self.nameMessage,
        "metadata.labels: Invalid value: \"bad value\": " + Self.labelValueMessage,
        "metadata.labels.ok: Invalid value: 3: must be of type string",
        "metadata.labels: Invalid value: \"x/y/z\": a qualified name " + Self.nameMessage
          + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ])
    #expect(errors.map(\.kind) == [.invalid, .invalid, .typeInvalid, .invalid])
  }

  @Test func labelsMustBeAMap() {
    let errors = NameValidation.validateLabels(["a"], at: "metadata.labels")
    #expect(
      errors.map(\.description) == [
        #"metadata.labels: Invalid value: ["a"]: must be of type object"#
      ])
    #expect(errors.first?.kind == .typeInvalid)
  }

  // MARK: - Annotations

  @Test func annotationKeysIgnoreCase() {
    let annotations: Value = [
      "Example.COM/Some-Key": "anything at all, spaces too", "kubectl.kubernetes.io/x": "",
    ]
    #expect(NameValidation.validateAnnotations(annotations, at: "metadata.annotations") == [])
    let errors = NameValidation.validateAnnotations(["Bad Key": "v"], at: "metadata.annotations")
    #expect(
      errors.map(\.description) == [
        "metadata.annotations: Invalid value: \"Bad Key\": name part " + Self.nameMessage
      ])
  }

  @Test func annotationKeysLowerCaseAsGoDoes() {
    // The Kelvin sign lower-cases to "k": valid as an annotation key, not as a label key.
    let kelvin = "\u{212A}ey"
    #expect(NameValidation.validateAnnotations([kelvin: "v"], at: "metadata.annotations") == [])
    #expect(NameValidation.validateLabels([kelvin: "v"], at: "metadata.labels").count == 1)
    #expect(NameValidation.ByteScan.lowercased("AbC-\u{130}\u{C9}") == "abc-i\u{C9}")
  }

  @Test func annotationSizeLimit() {
    let limit = NameValidation.totalAnnotationSizeLimit
    #expect(limit == 262_144)
    let atLimit: Value = ["k": .string(String(repeating: "x", count: limit - 1))]
    #expect(NameValidation.validateAnnotations(atLimit, at: "metadata.annotations") == [])
    // Keys count too: two keys of one byte plus values one byte over the limit in total.
    let over: Value = [
      "a": .string(String(repeating: "x", count: limit / 2)),
      "b": .string(String(repeating: "y", count: limit / 2 - 1)),
    ]
    let errors = NameValidation.validateAnnotations(over, at: "metadata.annotations")
    #expect(errors.count == 1)
    #expect(errors.first?.kind == .tooLong)
    #expect(
      errors.first?.description == "metadata.annotations: Too long: must have at most 262144 bytes")
  }

  @Test func annotationValuesMustBeStrings() {
    let errors = NameValidation.validateAnnotations(["a": true], at: "metadata.annotations")
    #expect(
      errors.map(\.description) == [
        "metadata.annotations.a: Invalid value: true: must be of type string"
      ])
  }

  @Test func byteCountsNotCharacters() {
    // "é" is two bytes: 32 of them are 64 bytes, over a label value's 63.
    let value = String(repeating: "é", count: 32)
    #expect(
      NameValidation.isValidLabelValue(value)
        == ["must be no more than 63 characters", Self.labelValueMessage])
  }
}
