import CEL
import Objects

/// One node of a CRD's structural schema (apiextensions.k8s.io/v1 `openAPIV3Schema`):
/// the types, value constraints, Kubernetes extensions and compiled
/// `x-kubernetes-validations` rules of one field.
///
/// Build one with `SchemaParser`, which checks the structural rules kube-apiserver
/// enforces and compiles every rule once.
public struct StructuralSchema: Sendable {
  /// `additionalProperties`: a boolean or a schema for every member.
  public indirect enum AdditionalProperties: Sendable {
    case allowed(Bool)
    case schema(StructuralSchema)
  }

  /// `type`: object, array, string, integer, number, boolean, or nil (any).
  public var type: String?
  /// `properties`, by name.
  public var properties: [String: StructuralSchema] = [:]
  /// The property names in the order the schema declares them.
  public var propertyNames: [String] = []
  /// `required`.
  public var required: [String] = []
  /// `additionalProperties`, when set.
  public var additionalProperties: AdditionalProperties?
  /// `items`, when set.
  public var items: StructuralSchema? {
    get { itemsStorage.first }
    set { itemsStorage = newValue.map { [$0] } ?? [] }
  }
  private var itemsStorage: [StructuralSchema] = []
  /// `enum`.
  public var enumValues: [Value]?
  /// `pattern` (RE2 syntax) and its compiled form.
  public var pattern: String?
  var regex: CELRegex?
  /// `format`.
  public var format: String?
  /// `maximum`, `exclusiveMaximum`, `minimum`, `exclusiveMinimum`, `multipleOf`.
  public var maximum: Value?
  public var exclusiveMaximum = false
  public var minimum: Value?
  public var exclusiveMinimum = false
  public var multipleOf: Value?
  /// `minLength`, `maxLength` (in characters), `minItems`, `maxItems`, `minProperties`,
  /// `maxProperties`.
  public var minLength: Int64?
  public var maxLength: Int64?
  public var minItems: Int64?
  public var maxItems: Int64?
  public var minProperties: Int64?
  public var maxProperties: Int64?
  /// `nullable`.
  public var nullable = false
  /// `default`.
  public var defaultValue: Value?
  /// `x-kubernetes-preserve-unknown-fields`.
  public var preserveUnknownFields = false
  /// `x-kubernetes-int-or-string`.
  public var intOrString = false
  /// `x-kubernetes-embedded-resource`.
  public var embeddedResource = false
  /// `x-kubernetes-list-type`: atomic, set or map.
  public var listType: String?
  /// `x-kubernetes-list-map-keys`.
  public var listMapKeys: [String] = []
  /// `x-kubernetes-map-type`: granular or atomic.
  public var mapType: String?
  /// `allOf`, `anyOf`, `oneOf`, `not`: value validations only.
  public var allOf: [StructuralSchema] = []
  public var anyOf: [StructuralSchema] = []
  public var oneOf: [StructuralSchema] = []
  public var not: StructuralSchema? {
    get { notStorage.first }
    set { notStorage = newValue.map { [$0] } ?? [] }
  }
  private var notStorage: [StructuralSchema] = []
  /// `x-kubernetes-validations`, compiled.
  public var validations: [ValidationRule] = []

  /// An empty schema (any value).
  public init() {}

  /// The schema for member `key` of an object: its property, else the
  /// `additionalProperties` schema; nil when the member is unknown.
  public func schema(forMember key: String) -> StructuralSchema? {
    if let p = properties[key] { return p }
    if case .schema(let s)? = additionalProperties { return s }
    return nil
  }

  /// True when some node of this schema, this one included, has rules.
  public var hasValidations: Bool {
    if !validations.isEmpty { return true }
    if let items, items.hasValidations { return true }
    if case .schema(let s)? = additionalProperties, s.hasValidations { return true }
    return properties.values.contains { $0.hasValidations }
  }
}
