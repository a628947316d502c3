import Admission
import Objects
import Testing

/// CRD validation ratcheting: on update, errors at values the update did not change are
/// dropped (kube-apiserver's default since 1.30); what changed must pass.
@Suite struct SchemaRatchetTests {
  static let schema = """
    type: object
    properties:
      spec:
        type: object
        required: [owner]
        properties:
          owner: {type: string}
          title: {type: string, maxLength: 5}
          size: {type: integer, maximum: 10}
          limits:
            type: object
            properties:
              cpu:
                type: integer
                x-kubernetes-validations:
                - {rule: self <= 4, message: at most 4 cpus}
          frozen:
            type: string
            x-kubernetes-validations:
            - {rule: self == oldSelf, message: frozen is immutable}
          ports:
            type: array
            x-kubernetes-list-type: map
            x-kubernetes-list-map-keys: [name]
            items:
              type: object
              required: [name]
              properties:
                name: {type: string}
                port: {type: integer, maximum: 1000}
          tags:
            type: array
            x-kubernetes-list-type: set
            items: {type: string, maxLength: 3}
    """

  let validator: CRDValidator
  init() throws { validator = try CRDFixtures.validator(Self.schema) }

  func errors(_ spec: String, old: String? = nil) -> [String] {
    CRDFixtures.errors(
      validator, CRDFixtures.widget(spec), old: old.map { CRDFixtures.widget($0) })
  }

  @Test func unchangedInvalidFieldsDoNotBlockAnUpdateOfOthers() {
    // Stored before the schema tightened: every one of these is invalid now.
    let old = "owner: a\ntitle: too long\nsize: 50\nlimits: {cpu: 8}\nfrozen: one"
    let new = "owner: b\ntitle: too long\nsize: 50\nlimits: {cpu: 8}\nfrozen: one"
    #expect(errors(new, old: old) == [])
    // On create nothing ratchets.
    #expect(
      errors(new) == [
        "spec.title: Too long: may not be more than 5 bytes",
        "spec.size: Invalid value: 50: spec.size in body should be less than or equal to 10",
        "spec.limits.cpu: Invalid value: \"integer\": at most 4 cpus",
      ])
  }

  @Test func changedFieldsMustPass() {
    let old = "owner: a\ntitle: too long\nsize: 50\nlimits: {cpu: 8}"
    let new = "owner: a\ntitle: longer still\nsize: 51\nlimits: {cpu: 9}"
    let found = errors(new, old: old)
    #expect(found.count == 3, "\(found)")
    #expect(found.contains { $0.hasPrefix("spec.title: Too long") })
    #expect(found.contains { $0.hasPrefix("spec.size: Invalid value: 51") })
    #expect(found.contains { $0 == "spec.limits.cpu: Invalid value: \"integer\": at most 4 cpus" })
  }

  @Test func transitionRulesAlwaysRun() {
    #expect(
      errors("owner: a\nfrozen: two", old: "owner: a\nfrozen: one") == [
        "spec.frozen: Invalid value: \"string\": frozen is immutable"
      ])
  }

  @Test func missingRequiredFieldRatchetsWithItsObject() {
    // The object holding the missing field is unchanged: no error.
    #expect(errors("title: ok", old: "title: ok") == [])
    // It changed: the missing field is reported.
    #expect(errors("title: new", old: "title: ok") == ["spec.owner: Required value"])
  }

  @Test func mapListItemsCorrelateByKey() {
    let old = "owner: a\nports: [{name: http, port: 8080}, {name: admin, port: 9090}]"
    // Reordered, `http` unchanged, `admin` changed: only `admin` must pass.
    let found = errors(
      "owner: a\nports: [{name: admin, port: 9091}, {name: http, port: 8080}]", old: old)
    #expect(found.count == 1, "\(found)")
    #expect(found.first?.hasPrefix("spec.ports[0].port: Invalid value: 9091") == true)
  }

  @Test func setItemsCorrelateByValueButNewDuplicatesAreErrors() {
    let old = "owner: a\ntags: [long, ok]"
    #expect(errors("owner: a\ntags: [ok, long, new]", old: old) == [])
    #expect(
      errors("owner: a\ntags: [ok, long, longer]", old: old).first?.hasPrefix(
        "spec.tags[2]: Too long") == true)
    #expect(
      errors("owner: a\ntags: [ok, long, long]", old: old).first?.hasPrefix(
        "spec.tags[2]: Duplicate value") == true)
  }
}
