import Admission
import Foundation
import Objects

/// The admission half of `mooring validate`: what a sync of the tree would check after
/// parsing. Every CRD, ValidatingAdmissionPolicy, binding, Namespace and parameter object
/// in the tree is loaded; broken policies are reported where they are declared; then every
/// object is admitted as a create (CRD schema with pruning and defaults, then every
/// matching policy) and each schema error and denial is reported at its file and line.
/// Objects of kinds the tree does not define are not checked against a schema: their CRD
/// may already be in the store.
struct ManifestAdmission {
  /// Who the objects are admitted as (a sync admits as its identity).
  var user = AdmissionUserInfo(
    username: "mooring-validate", groups: ["system:authenticated"])

  /// The findings of admitting every object of `documents` (file, document) against the
  /// configuration they declare together.
  func check(_ documents: [(file: String, doc: ParsedDocument)]) -> [Finding] {
    let objects = documents.compactMap { d -> (String, ParsedDocument, Object)? in
      guard let o = try? Object(d.doc.value), o.kind != nil, o.apiVersion != nil else {
        return nil
      }
      return (d.file, d.doc, o)
    }
    let source = AdmissionObjectSet(objects.map(\.2.value))
    let configuration = AdmissionChain().configuration(from: source)
    var findings: [Finding] = []
    for error in configuration.errors {
      guard
        let (file, doc, _) = objects.first(where: {
          $0.2.kind == error.kind && $0.2.name == error.name
        })
      else { continue }
      for fieldError in error.fieldErrors {
        let p = doc.position(of: fieldError.field)
        findings.append(
          Finding(
            file: file, line: p.line, column: p.column,
            message: "\(error.kind) \"\(error.name)\": \(fieldError)", kind: error.kind,
            name: error.name, field: fieldError.field.description))
      }
      for compileError in error.compileErrors {
        let p = doc.position(of: compileError.field)
        findings.append(
          Finding(
            file: file, line: p.line, column: p.column, message: compileError.description,
            kind: error.kind, name: error.name, field: compileError.field.description))
      }
    }
    for (file, doc, object) in objects {
      let response = configuration.admit(
        AdmissionRequest(operation: .create, object: object.value, userInfo: user),
        source: source)
      let kind = object.kind ?? ""
      let name = object.name ?? object.generateName ?? ""
      for error in response.schemaErrors {
        let p = doc.position(of: error.field)
        findings.append(
          Finding(
            file: file, line: p.line, column: p.column,
            message: "\(kind) \"\(name)\": \(error)", kind: kind, name: name,
            field: error.field.description))
      }
      for denial in response.denials where denial.policy != nil {
        let p = doc.position(of: ValuePath())
        findings.append(
          Finding(
            file: file, line: p.line, column: p.column,
            message: "\(kind) \"\(name)\": \(denial.message)",
            kind: kind, name: name))
      }
    }
    return findings
  }
}
