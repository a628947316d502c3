import Admission
import Objects
import YAML

/// YAML fixtures for the CRD schema tests.
enum CRDFixtures {
  /// The value of a one-document YAML text.
  static func yaml(_ text: String) -> Value {
    do {
      return try YAMLDecoder().decode(Array(text.utf8))[0].value
    } catch {
      preconditionFailure("bad fixture: \(error)")
    }
  }

  /// `text` with every line indented by `n` spaces.
  static func indent(_ text: String, _ n: Int) -> String {
    let pad = String(repeating: " ", count: n)
    return text.split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }
      .joined(separator: "\n")
  }

  /// A CRD `widgets.example.com` serving v1 with `schema` (YAML, as if at the top level).
  static func crd(schema: String, scope: String = "Namespaced") -> Value {
    yaml(
      """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata:
        name: widgets.example.com
      spec:
        group: example.com
        scope: \(scope)
        names: {plural: widgets, singular: widget, kind: Widget}
        versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema:
      \(indent(schema, 8))
      """)
  }

  /// A validator for `crd(schema:)`; fails the test when the CRD does not load.
  static func validator(_ schema: String) throws(CRDError) -> CRDValidator {
    try CRDValidator(crd: crd(schema: schema))
  }

  /// A Widget with `spec` (YAML, as if at the top level).
  static func widget(_ spec: String, name: String = "w1") -> Value {
    yaml(
      """
      apiVersion: example.com/v1
      kind: Widget
      metadata: {name: \(name), namespace: default}
      spec:
      \(indent(spec, 2))
      """)
  }

  /// The error descriptions of admitting `object` (created, not strict).
  static func errors(
    _ validator: CRDValidator, _ object: Value, old: Value? = nil, strict: Bool = false
  ) -> [String] {
    var copy = object
    return validator.admit(&copy, oldObject: old, version: "v1", strict: strict).errors.map(
      \.description)
  }
}
