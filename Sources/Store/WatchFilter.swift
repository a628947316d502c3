import Objects

/// What one watcher or list wants: a kind, optionally one namespace, label and field
/// selectors. Field selectors read `metadata.name`, `metadata.namespace` and the kind's
/// selectable fields.
struct WatchFilter: Sendable {
  var resource: GroupResource
  var namespace: String?
  var labels: LabelSelector
  var fields: FieldSelector

  init(_ type: ResourceType, _ options: ListOptions) throws(StoreError) {
    resource = type.groupResource
    namespace = type.namespaced ? options.namespace : nil
    labels = options.labelSelector
    fields = options.fieldSelector
    let allowed = Set(["metadata.name", "metadata.namespace"] + type.selectableFields)
    for requirement in fields.requirements where !allowed.contains(requirement.field) {
      throw .badRequest(
        "field label not supported: \(requirement.field) (\(type.plural).\(type.group))")
    }
  }

  /// Whether the selectors pass everything of the kind in the namespace.
  var selectsAll: Bool { labels.isEverything && fields.isEverything }

  /// Whether `object` (of this filter's kind) passes.
  func matches(_ object: Object) -> Bool {
    if let namespace, object.namespace != namespace { return false }
    if !labels.isEverything, !labels.matches(labels: object.value[path: Self.labelsPath]) {
      return false
    }
    if !fields.isEverything, !fields.matches({ Self.field($0, of: object) }) { return false }
    return true
  }

  static let labelsPath: ValuePath = "metadata.labels"

  /// The string form of a selectable field (`metadata.namespace` reads "" when absent).
  static func field(_ path: String, of object: Object) -> String? {
    switch path {
    case "metadata.name": return object.name ?? ""
    case "metadata.namespace": return object.namespace ?? ""
    default:
      var value = object.value
      for key in path.split(separator: ".") {
        guard let next = value[String(key)] else { return nil }
        value = next
      }
      switch value {
      case .string(let s): return s
      case .bool(let b): return b ? "true" : "false"
      case .int(let i): return String(i)
      default: return nil
      }
    }
  }
}
