import CEL

/// The CEL types a CRD validation rule is checked against, derived from the schema as
/// Kubernetes derives its `DeclType`s: an object with declared properties is an object
/// type whose fields are its properties (by their CEL names), so `self.spec.replcas` is a
/// type error when the CRD loads rather than a failure when an object is validated.
///
/// At a resource root (the object, or an `x-kubernetes-embedded-resource`) the type has
/// `apiVersion`, `kind` and `metadata` with only `name` and `generateName`, the fields
/// rules may read there. Where the schema gives no type, the type is `dyn`:
/// int-or-string and nullable values, untyped properties, and objects that keep unknown
/// fields (`x-kubernetes-preserve-unknown-fields`) or declare none. Kubernetes hides
/// unknown and untyped fields from rules altogether; Mooring lets rules read them, as
/// `dyn`.
struct SchemaCELTypes {
  /// Object types by name, for `CELEnvironment.objectTypes`.
  private(set) var objectTypes: [String: [String: CELType]] = [:]

  /// The type of values of `schema`, naming its object types after `name`
  /// (`selfType.spec`, `selfType.spec.ports.@idx`).
  mutating func type(
    of schema: StructuralSchema, named name: String, resourceRoot: Bool
  ) -> CELType {
    if schema.intOrString || schema.nullable { return .dyn }
    switch schema.type {
    case "array":
      guard let items = schema.items else { return .dyn }
      return .list(type(of: items, named: name + ".@idx", resourceRoot: items.embeddedResource))
    case "object":
      return objectType(of: schema, named: name, resourceRoot: resourceRoot)
    case nil:
      return resourceRoot ? objectType(of: schema, named: name, resourceRoot: true) : .dyn
    default:
      return schema.celType
    }
  }

  private mutating func objectType(
    of schema: StructuralSchema, named name: String, resourceRoot: Bool
  ) -> CELType {
    if case .schema(let values)? = schema.additionalProperties, schema.properties.isEmpty {
      return .map(
        .string,
        type(of: values, named: name + ".@elem", resourceRoot: values.embeddedResource))
    }
    if schema.preserveUnknownFields || (schema.properties.isEmpty && !resourceRoot) {
      return .map(.string, .dyn)
    }
    var fields: [String: CELType] = [:]
    for key in schema.propertyNames {
      guard let property = schema.properties[key], let field = CELPropertyName.escape(key)
      else { continue }
      fields[field] = type(
        of: property, named: name + "." + field, resourceRoot: property.embeddedResource)
    }
    if resourceRoot {
      fields["apiVersion"] = .string
      fields["kind"] = .string
      let metadata = name + ".metadata"
      objectTypes[metadata] = ["name": .string, "generateName": .string]
      fields["metadata"] = .opaque(metadata, [])
    }
    objectTypes[name] = fields
    return .opaque(name, [])
  }
}
