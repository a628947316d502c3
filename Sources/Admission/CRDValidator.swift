import Objects

/// The schema machinery of one CustomResourceDefinition: built once when the CRD is
/// loaded (every served version's structural schema checked and every rule compiled),
/// then used to admit objects of its kind: prune unknown fields (or report them when
/// strict), apply defaults, validate the schema and the `x-kubernetes-validations` rules.
public struct CRDValidator: Sendable {
  /// `spec.group`.
  public var group: String
  /// `spec.names.kind`.
  public var kind: String
  /// `spec.names.plural`.
  public var plural: String
  /// `spec.names.singular` (the lowercased kind when unset).
  public var singular: String
  /// `spec.names.listKind` (the kind and `List` when unset).
  public var listKind: String
  /// True for `spec.scope: Namespaced`.
  public var namespaced: Bool
  /// The versions served, in the CRD's order.
  public var servedVersions: [String]
  /// The version objects are stored in.
  public var storageVersion: String
  /// The structural schema of each served version.
  public var schemas: [String: StructuralSchema]
  /// The served versions whose schemas have rules.
  private var versionsWithRules: Set<String>

  /// Compiles every served version's schema and rules; throws every problem at once.
  public init(crd: Value) throws(CRDError) {
    var check = CRDSpecCheck()
    let name = crd[path: "metadata.name"]?.stringValue ?? ""
    let names = check.read(crd)
    var parser = SchemaParser()
    var schemas: [String: StructuralSchema] = [:]
    for version in names.versions {
      guard let schemaValue = version.schema else { continue }
      let root = parser.parseRoot(schemaValue, at: version.schemaPath)
      if version.served { schemas[version.name] = root }
    }
    let errors = check.errors + parser.errors
    guard errors.isEmpty else { throw CRDError(name: name, errors: errors) }
    group = names.group
    kind = names.kind
    plural = names.plural
    singular = names.singular
    listKind = names.listKind
    namespaced = names.namespaced
    servedVersions = names.versions.filter(\.served).map(\.name)
    storageVersion = names.versions.first { $0.storage }?.name ?? ""
    self.schemas = schemas
    versionsWithRules = Set(schemas.filter { $0.value.hasValidations }.keys)
  }

  /// Prunes unknown fields (or reports them when strict), applies defaults, validates
  /// schema and rules. Transition rules (`oldSelf`) run only when `oldObject` is given;
  /// on update, errors at values the update did not change are ratcheted away
  /// (`SchemaRatchet`).
  public func admit(
    _ object: inout Value, oldObject: Value?, version: String, strict: Bool
  ) -> SchemaAdmission {
    guard let schema = schemas[version] else {
      let apiVersion = Value.string("\(group)/\(version)")
      return SchemaAdmission(errors: [
        .notSupported(
          ValuePath(keys: "apiVersion"), apiVersion, servedVersions.map { "\(group)/\($0)" })
      ])
    }
    var result = SchemaAdmission()
    for path in SchemaPruner.prune(&object, schema: schema) {
      let words = "unknown field \(JSON.encode(.string(path.description)))"
      if strict {
        result.errors.append(.forbidden(path, words))
      } else {
        result.warnings.append(words)
      }
    }
    SchemaDefaulter.apply(&object, schema: schema)
    var old = oldObject
    if old != nil {
      SchemaPruner.prune(&old!, schema: schema)
      SchemaDefaulter.apply(&old!, schema: schema)
    }
    var validator = SchemaValidator()
    validator.validate(object, schema: schema, at: ValuePath())
    var schemaErrors = validator.errors
    if let old, !schemaErrors.isEmpty {
      schemaErrors = SchemaRatchet.filter(schemaErrors, new: object, old: old, schema: schema)
    }
    result.errors += schemaErrors
    if versionsWithRules.contains(version) {
      if schemaErrors.contains(where: { $0.kind == .typeInvalid }) {
        result.errors.append(
          .invalid(
            ValuePath(), "null",
            "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"
          ))
      } else {
        var rules = RuleEvaluator()
        rules.validate(
          object, old: old, schema: schema, at: ValuePath(), resourceRoot: true,
          unchanged: old == object)
        result.errors += rules.errors
      }
    }
    return result
  }
}
