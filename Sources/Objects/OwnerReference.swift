/// An entry of `metadata.ownerReferences`: the object that owns this one.
public struct OwnerReference: Sendable, Hashable {
  /// The owner's `apiVersion`.
  public var apiVersion: String
  /// The owner's kind.
  public var kind: String
  /// The owner's name.
  public var name: String
  /// The owner's UID.
  public var uid: String
  /// True when the owner is the managing controller.
  public var controller: Bool?
  /// True when the owner cannot be deleted before this object is.
  public var blockOwnerDeletion: Bool?

  /// A reference from its fields.
  public init(
    apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil,
    blockOwnerDeletion: Bool? = nil
  ) {
    self.apiVersion = apiVersion
    self.kind = kind
    self.name = name
    self.uid = uid
    self.controller = controller
    self.blockOwnerDeletion = blockOwnerDeletion
  }

  /// Reads a reference from its map; nil when `value` is not a map. Absent or mistyped
  /// fields read as empty strings and nil flags (`Object.validateBasics` reports them).
  public init?(_ value: Value) {
    guard case .map(let m) = value else { return nil }
    apiVersion = m["apiVersion"]?.stringValue ?? ""
    kind = m["kind"]?.stringValue ?? ""
    name = m["name"]?.stringValue ?? ""
    uid = m["uid"]?.stringValue ?? ""
    controller = m["controller"]?.boolValue
    blockOwnerDeletion = m["blockOwnerDeletion"]?.boolValue
  }

  /// The reference as a map, members in Kubernetes' order; nil flags are left out.
  public var value: Value {
    var m = ValueMap(minimumCapacity: 6)
    m["apiVersion"] = .string(apiVersion)
    m["kind"] = .string(kind)
    m["name"] = .string(name)
    m["uid"] = .string(uid)
    if let controller { m["controller"] = .bool(controller) }
    if let blockOwnerDeletion { m["blockOwnerDeletion"] = .bool(blockOwnerDeletion) }
    return .map(m)
  }

  /// The owner's group version kind.
  public var gvk: GroupVersionKind { GroupVersionKind(apiVersion: apiVersion, kind: kind) }
}
