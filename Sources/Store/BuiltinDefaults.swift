import Foundation
import Objects

/// What kube-apiserver's registry does to a few built-in kinds on every write, whoever
/// writes (API, sync engine, CLI): a Secret's `stringData` is merged into `data`
/// (base64) and dropped, and its `type` defaults to `Opaque`; a Namespace carries the
/// label `kubernetes.io/metadata.name` with its name (what namespaceSelectors match on).
public enum BuiltinDefaults {
  /// The label kube-apiserver sets on every Namespace.
  public static let namespaceNameLabel = "kubernetes.io/metadata.name"

  /// Applies the defaults of `type` to `object`.
  public static func apply(to object: inout Object, type: ResourceType) {
    guard type.group.isEmpty else { return }
    if type.kind == "Namespace", let name = object.name, !name.isEmpty,
      object.labels[namespaceNameLabel] != name
    {
      object.labels[namespaceNameLabel] = name
    }
    guard type.kind == "Secret" else { return }
    if let strings = object.value["stringData"]?.mapValue {
      var data = object.value["data"]?.mapValue ?? ValueMap()
      for (key, value) in strings {
        if let text = value.stringValue {
          data[key] = .string(Data(text.utf8).base64EncodedString())
        }
      }
      object.value["data"] = .map(data)
      object.value["stringData"] = nil
    }
    if (object.value["type"]?.stringValue ?? "").isEmpty {
      object.value["type"] = "Opaque"
    }
  }
}
