import Foundation
import Objects

/// Runs policy tests (`mooring policy test`) with exactly the engine the daemon runs:
/// finds `mooring-test.yaml` files, loads their policies and objects into an
/// `AdmissionObjectSet`, admits each object as each result says, and compares.
public enum PolicyTestRunner {
  /// The name of a test file.
  public static let fileName = "mooring-test.yaml"

  /// Every `mooring-test.yaml` under `paths` (a path may also name a test file), sorted,
  /// hidden folders skipped.
  public static func findTestFiles(_ paths: [String]) throws(PolicyTestError) -> [String] {
    var out: [String] = []
    let fm = FileManager.default
    for path in paths {
      var isDir: ObjCBool = false
      guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
        throw PolicyTestError(file: path, message: "no such file or directory")
      }
      if !isDir.boolValue {
        out.append(path)
        continue
      }
      guard let walker = fm.enumerator(atPath: path) else { continue }
      var found: [String] = []
      while let rel = walker.nextObject() as? String {
        let name = (rel as NSString).lastPathComponent
        if name.hasPrefix(".") {
          walker.skipDescendants()
          continue
        }
        if name == fileName {
          found.append(PolicyTestSuite.tidy(path.hasSuffix("/") ? path + rel : path + "/" + rel))
        }
      }
      out += found.sorted()
    }
    return out
  }

  /// Runs one test file.
  ///
  /// - Throws: `PolicyTestError` when the test's files are wrong: unreadable, invalid
  ///   policies (with the position of the broken expression), unknown policies or
  ///   objects.
  public static func run(_ suite: PolicyTestSuite) throws(PolicyTestError) -> [PolicyTestCase] {
    var set = AdmissionObjectSet()
    let crds = suite.configuration.map(\.value).filter {
      $0["kind"]?.stringValue == "CustomResourceDefinition"
    }
    let mapper = AdmissionResourceMapper(customResourceDefinitions: crds)
    for o in suite.configuration { set.add(defaultingNamespace(o.value, mapper)) }
    let chain = AdmissionChain(authorizer: PolicyRuleAuthorizer(rules: suite.authorizerRules))
    let configuration = chain.configuration(from: set)
    if let e = configuration.errors.first { throw locate(e, in: suite) }
    let loaded = Set(configuration.policies.map(\.policy.name))

    var cases: [PolicyTestCase] = []
    for expectation in suite.results {
      func fail(_ path: ValuePath, _ message: String) -> PolicyTestError {
        PolicyTestError(
          file: suite.file, position: suite.document.position(of: path), message: message)
      }
      if let policy = expectation.policy, !loaded.contains(policy) {
        throw fail(
          expectation.path.appending("policy"),
          "no ValidatingAdmissionPolicy named \"\(policy)\" in the policies of this test (loaded: \(loaded.sorted().joined(separator: ", ")))"
        )
      }
      for (j, ref) in expectation.resources.enumerated() {
        let refPath = expectation.path.appending("resources").appending(j)
        let object = try find(ref, kind: expectation.kind, in: suite.resources, mapper: mapper) {
          fail(refPath, $0)
        }
        var old: Value?
        if let oldFile = expectation.oldResource {
          let dir = PolicyTestSuite.directory(of: suite.file)
          let path = oldFile.hasPrefix("/") ? oldFile : PolicyTestSuite.tidy(dir + "/" + oldFile)
          let objects = try PolicyTestSuite.readObjects(path)
          let kind = object["kind"]?.stringValue
          let name = object["metadata"]?["name"]?.stringValue
          let same = objects.filter {
            $0.value["kind"]?.stringValue == kind
              && $0.value["metadata"]?["name"]?.stringValue == name
          }
          guard let match = same.first ?? (objects.count == 1 ? objects.first : nil) else {
            throw fail(
              expectation.path.appending("oldResource"),
              "\(oldFile) holds no \(kind ?? "object") named \"\(name ?? "")\"")
          }
          old = match.value
        }
        let request: AdmissionRequest
        let user = expectation.userInfo ?? suite.userInfo
        switch expectation.operation {
        case .create, .connect:
          request = AdmissionRequest(operation: .create, object: object, userInfo: user)
        case .update:
          request = AdmissionRequest(
            operation: .update, object: object, oldObject: old, userInfo: user)
        case .delete:
          request = AdmissionRequest(
            operation: .delete, object: nil, oldObject: old ?? object, userInfo: user)
        }
        let response = configuration.admit(request, source: set)
        let got: PolicyTestSuite.Outcome
        let messages: [String]
        if let policy = expectation.policy {
          let outcome =
            response.policies.first { $0.policy == policy } ?? PolicyOutcome(policy: policy)
          messages = outcome.denials.map(\.message) + outcome.warnings
          got =
            !outcome.applied
            ? .skip
            : !outcome.denials.isEmpty ? .fail : !outcome.warnings.isEmpty ? .warn : .pass
        } else {
          messages = response.denials.map(\.message) + response.warnings
          got = !response.allowed ? .fail : !response.warnings.isEmpty ? .warn : .pass
        }
        var passed = got == expectation.result
        var message = messages.first ?? ""
        if passed, let want = expectation.message, !messages.contains(where: { $0.contains(want) })
        {
          passed = false
          message =
            "expected a message containing \"\(want)\", got "
            + (messages.isEmpty ? "none" : "\"\(messages.joined(separator: "\"; \""))\"")
        }
        cases.append(
          PolicyTestCase(
            file: suite.file, test: suite.name, policy: expectation.policy, resource: ref,
            kind: object["kind"]?.stringValue ?? "", operation: expectation.operation,
            expected: expectation.result, got: got, message: message, passed: passed))
      }
    }
    return cases
  }

  /// Namespaced objects without a namespace are in `default`.
  static func defaultingNamespace(_ object: Value, _ mapper: AdmissionResourceMapper) -> Value {
    let gvk = GroupVersionKind(
      apiVersion: object["apiVersion"]?.stringValue ?? "", kind: object["kind"]?.stringValue ?? "")
    guard mapper.mapping(group: gvk.group, kind: gvk.kind).namespaced,
      (object["metadata"]?["namespace"]?.stringValue ?? "").isEmpty,
      case .map(var root) = object
    else { return object }
    var metadata = root["metadata"]?.mapValue ?? ValueMap()
    metadata["namespace"] = "default"
    root["metadata"] = .map(metadata)
    return .map(root)
  }

  /// The object `ref` (`[namespace/]name`) names, of `kind` when given.
  private static func find(
    _ ref: String, kind: String?, in objects: [PolicyTestSuite.LoadedObject],
    mapper: AdmissionResourceMapper, error: (String) -> PolicyTestError
  ) throws(PolicyTestError) -> Value {
    let parts = ref.split(separator: "/", maxSplits: 1).map(String.init)
    let namespace = parts.count == 2 ? parts[0] : nil
    let name = parts.last ?? ""
    let candidates = objects.map { defaultingNamespace($0.value, mapper) }.filter { o in
      o["metadata"]?["name"]?.stringValue == name
        && (kind == nil || o["kind"]?.stringValue == kind)
        && (namespace == nil || o["metadata"]?["namespace"]?.stringValue == namespace)
    }
    guard let first = candidates.first else {
      throw error(
        "no object \(ref)\(kind.map { " of kind \($0)" } ?? "") in the resources of this test")
    }
    if candidates.count > 1 {
      let names = candidates.map { o in
        let ns = o["metadata"]?["namespace"]?.stringValue.map { $0 + "/" } ?? ""
        return "\(o["kind"]?.stringValue ?? "") \(ns)\(name)"
      }
      throw error(
        "\(ref) is ambiguous: \(names.joined(separator: ", ")); add a namespace or kind")
    }
    return first
  }

  /// A configuration error placed at the field of the object it is about.
  private static func locate(
    _ e: AdmissionConfigurationError, in suite: PolicyTestSuite
  ) -> PolicyTestError {
    let object = suite.configuration.first {
      $0.value["kind"]?.stringValue == e.kind
        && $0.value["metadata"]?["name"]?.stringValue == e.name
    }
    guard let object else { return PolicyTestError(file: suite.file, message: e.description) }
    let field = e.compileErrors.first?.field ?? e.fieldErrors.first?.field ?? ValuePath()
    return PolicyTestError(
      file: object.file, position: object.document.position(of: field), message: e.description)
  }
}
