import Foundation
import Objects
import YAML

/// One `mooring-test.yaml` (`test.mooring.dev/v1alpha1` PolicyTest): the policy files,
/// the objects under test, the default user, and the expected results.
public struct PolicyTestSuite: Sendable {
  /// The result a test expects or gets.
  public enum Outcome: String, Sendable, Hashable, CaseIterable {
    /// Admitted (by the named policy, or by every policy).
    case pass
    /// Denied.
    case fail
    /// Admitted with warnings.
    case warn
    /// The named policy does not apply.
    case skip
  }

  /// One entry of `results`.
  public struct Expectation: Sendable {
    public var policy: String?
    /// `[namespace/]name` of objects under test.
    public var resources: [String]
    public var kind: String?
    public var operation: AdmissionOperation
    /// A file relative to the test file with the object before the change.
    public var oldResource: String?
    public var result: Outcome
    /// A substring the denial or warning must contain.
    public var message: String?
    public var userInfo: AdmissionUserInfo?
    /// Where the entry is, for error messages.
    public var path: ValuePath
  }

  /// A loaded object and where it came from.
  public struct LoadedObject: Sendable {
    public var value: Value
    public var file: String
    public var document: ParsedDocument
  }

  /// The test file.
  public var file: String
  public var document: ParsedDocument
  public var name: String
  /// Objects of the `policies` files: policies, bindings, CRDs, params, Namespaces.
  public var configuration: [LoadedObject]
  /// Objects of the `resources` files.
  public var resources: [LoadedObject]
  public var userInfo: AdmissionUserInfo
  /// Rules for the test authorizer (a Mooring extension: `authorizer.rules`).
  public var authorizerRules: [PolicyRuleAuthorizer.Rule]
  public var results: [Expectation]

  /// The user a test runs as unless it names one.
  public static let defaultUser = AdmissionUserInfo(
    username: "mooring-test", groups: ["system:authenticated"])

  /// Reads and checks a test file and every file it names.
  ///
  /// - Throws: `PolicyTestError` for the first problem, with its position.
  public static func load(file: String) throws(PolicyTestError) -> PolicyTestSuite {
    let docs = try readObjects(file)
    guard docs.count == 1, let doc = docs.first?.document else {
      throw PolicyTestError(
        file: file,
        message: "a test file holds exactly one PolicyTest, found \(docs.count) documents")
    }
    let v = doc.value
    func fail(_ path: ValuePath, _ message: String) -> PolicyTestError {
      PolicyTestError(file: file, position: doc.position(of: path), message: message)
    }
    guard v["apiVersion"]?.stringValue == "test.mooring.dev/v1alpha1" else {
      throw fail("apiVersion", "apiVersion must be test.mooring.dev/v1alpha1")
    }
    guard v["kind"]?.stringValue == "PolicyTest" else {
      throw fail("kind", "kind must be PolicyTest")
    }
    let known: Set<String> = [
      "apiVersion", "kind", "metadata", "policies", "resources", "userInfo", "results",
      "authorizer",
    ]
    for key in v.mapValue?.keys ?? [] where !known.contains(key) {
      throw PolicyTestError(
        file: file, position: doc.position(of: ValuePath(keys: key), key: true),
        message: "unknown field \"\(key)\"")
    }
    let name =
      v["metadata"]?["name"]?.stringValue
      ?? URL(fileURLWithPath: file)
      .deletingLastPathComponent().lastPathComponent
    let dir = PolicyTestSuite.directory(of: file)
    var configuration: [LoadedObject] = []
    for (i, pattern) in try stringList(v, "policies", doc, file, required: true).enumerated() {
      for f in try expand(
        pattern, in: dir, file: file,
        position: doc.position(of: ValuePath([.key("policies"), .index(i)])))
      {
        configuration += try readObjects(f)
      }
    }
    var resources: [LoadedObject] = []
    for (i, pattern) in try stringList(v, "resources", doc, file, required: true).enumerated() {
      for f in try expand(
        pattern, in: dir, file: file,
        position: doc.position(of: ValuePath([.key("resources"), .index(i)])))
      {
        resources += try readObjects(f)
      }
    }
    let user =
      try v["userInfo"].map { u throws(PolicyTestError) in
        try userInfo(u, "userInfo", doc, file)
      } ?? defaultUser
    var rules: [PolicyRuleAuthorizer.Rule] = []
    if let a = v["authorizer"] {
      for (i, r) in (a["rules"]?.listValue ?? []).enumerated() {
        let p = ValuePath([.key("authorizer"), .key("rules"), .index(i)])
        func list(_ k: String) throws(PolicyTestError) -> [String] {
          try stringList(r, k, doc, file, base: p)
        }
        rules.append(
          PolicyRuleAuthorizer.Rule(
            users: try list("users"), groups: try list("groups"), verbs: try list("verbs"),
            apiGroups: try list("apiGroups"), resources: try list("resources"),
            namespaces: try list("namespaces"), names: try list("names"), paths: try list("paths")))
      }
    }
    guard case .list(let entries) = v["results"] ?? .null, !entries.isEmpty else {
      throw fail("results", "results: Required value: a test file must list at least one result")
    }
    var results: [Expectation] = []
    for (i, e) in entries.enumerated() {
      let p = ValuePath([.key("results"), .index(i)])
      guard case .map(let m) = e else { throw fail(p, "results[\(i)] must be an object") }
      let allowed: Set<String> = [
        "policy", "resources", "kind", "operation", "oldResource", "result", "message", "userInfo",
      ]
      for key in m.keys where !allowed.contains(key) {
        throw PolicyTestError(
          file: file, position: doc.position(of: p.appending(key), key: true),
          message: "results[\(i)]: unknown field \"\(key)\"")
      }
      let refs = try stringList(e, "resources", doc, file, base: p)
      guard !refs.isEmpty else {
        throw fail(p, "results[\(i)].resources: Required value: name the objects under test")
      }
      let opText = e["operation"]?.stringValue ?? "CREATE"
      guard let op = AdmissionOperation(rawValue: opText), op != .connect else {
        throw fail(
          p.appending("operation"),
          "results[\(i)].operation: Unsupported value: \"\(opText)\": supported values: \"CREATE\", \"UPDATE\", \"DELETE\""
        )
      }
      guard let resultText = e["result"]?.stringValue else {
        throw fail(p, "results[\(i)].result: Required value: pass, fail, warn or skip")
      }
      guard let outcome = Outcome(rawValue: resultText) else {
        throw fail(
          p.appending("result"),
          "results[\(i)].result: Unsupported value: \"\(resultText)\": supported values: \"pass\", \"fail\", \"warn\", \"skip\""
        )
      }
      let policy = e["policy"]?.stringValue
      if outcome == .skip && policy == nil {
        throw fail(p.appending("result"), "results[\(i)].result: skip needs a policy")
      }
      let old = e["oldResource"]?.stringValue
      if op == .update && old == nil {
        throw fail(p, "results[\(i)].oldResource: Required value: an UPDATE needs the old object")
      }
      let u = try e["userInfo"].map { u throws(PolicyTestError) in
        try userInfo(u, p.appending("userInfo"), doc, file)
      }
      results.append(
        Expectation(
          policy: policy, resources: refs, kind: e["kind"]?.stringValue, operation: op,
          oldResource: old, result: outcome, message: e["message"]?.stringValue, userInfo: u,
          path: p))
    }
    return PolicyTestSuite(
      file: file, document: doc, name: name, configuration: configuration, resources: resources,
      userInfo: user, authorizerRules: rules, results: results)
  }

  /// Every object of a manifest file, with its document.
  static func readObjects(_ file: String) throws(PolicyTestError) -> [LoadedObject] {
    guard let data = FileManager.default.contents(atPath: file) else {
      throw PolicyTestError(file: file, message: "cannot read file")
    }
    let (docs, errors) = ManifestDecoder().decode(
      [UInt8](data), file: file, json: file.hasSuffix(".json"))
    if let e = errors.first {
      throw PolicyTestError(file: file, position: e.position, message: e.message)
    }
    return docs.map { LoadedObject(value: $0.value, file: file, document: $0) }
  }

  private static func stringList(
    _ v: Value, _ key: String, _ doc: ParsedDocument, _ file: String,
    base: ValuePath = ValuePath(), required: Bool = false
  ) throws(PolicyTestError) -> [String] {
    let path = base.appending(key)
    guard let field = v[key], !field.isNull else {
      if required {
        throw PolicyTestError(
          file: file, position: doc.position(of: base), message: "\(path): Required value")
      }
      return []
    }
    if case .string(let s) = field { return [s] }
    guard case .list(let l) = field else {
      throw PolicyTestError(
        file: file, position: doc.position(of: path), message: "\(path): must be a list of strings")
    }
    var out: [String] = []
    for (i, e) in l.enumerated() {
      guard case .string(let s) = e else {
        throw PolicyTestError(
          file: file, position: doc.position(of: path.appending(i)),
          message: "\(path)[\(i)]: must be a string")
      }
      out.append(s)
    }
    return out
  }

  private static func userInfo(
    _ v: Value, _ path: ValuePath, _ doc: ParsedDocument, _ file: String
  ) throws(PolicyTestError) -> AdmissionUserInfo {
    guard case .map(let m) = v else {
      throw PolicyTestError(
        file: file, position: doc.position(of: path), message: "\(path): must be an object")
    }
    for key in m.keys where !["username", "uid", "groups", "extra"].contains(key) {
      throw PolicyTestError(
        file: file, position: doc.position(of: path.appending(key), key: true),
        message: "\(path): unknown field \"\(key)\"")
    }
    var extra: [String: [String]] = [:]
    for (k, e) in v["extra"]?.mapValue ?? ValueMap() {
      extra[k] = (e.listValue ?? []).compactMap(\.stringValue)
    }
    let groups = try stringList(v, "groups", doc, file, base: path)
    return AdmissionUserInfo(
      username: v["username"]?.stringValue ?? "", uid: v["uid"]?.stringValue ?? "",
      groups: v["groups"] == nil ? ["system:authenticated"] : groups, extra: extra)
  }

  /// The files `pattern` (relative to `dir`; `*`, `?`, `[...]` per path component)
  /// names, sorted; none is an error.
  static func expand(
    _ pattern: String, in dir: String, file: String, position: SourcePosition
  ) throws(PolicyTestError) -> [String] {
    let full = pattern.hasPrefix("/") ? pattern : dir + "/" + pattern
    var matches: [String] = []
    var g = glob_t()
    defer { globfree(&g) }
    if glob(full, 0, nil, &g) == 0 {
      for i in 0..<Int(g.gl_pathc) {
        if let p = g.gl_pathv[i] { matches.append(String(cString: p)) }
      }
    }
    var files: [String] = []
    for m in matches.sorted() {
      var isDir: ObjCBool = false
      FileManager.default.fileExists(atPath: m, isDirectory: &isDir)
      if !isDir.boolValue { files.append(Self.tidy(m)) }
    }
    guard !files.isEmpty else {
      throw PolicyTestError(file: file, position: position, message: "\(pattern) matches no file")
    }
    return files
  }

  /// The folder of `file` as written (relative stays relative), `.` for none.
  static func directory(of file: String) -> String {
    let dir = (file as NSString).deletingLastPathComponent
    return dir.isEmpty ? "." : dir
  }

  /// `a/./b` → `a/b`, for readable file names in messages.
  static func tidy(_ path: String) -> String {
    var p = path
    while p.contains("/./") { p = p.replacingOccurrences(of: "/./", with: "/") }
    if p.hasPrefix("./") { p.removeFirst(2) }
    return p
  }
}
