import Foundation
import Objects
import YAML

/// One problem in a manifest file, with where it is.
struct Finding: Sendable, Equatable {
  var file: String
  var line: Int
  var column: Int
  var message: String
  var kind: String?
  var name: String?
  var field: String?

  /// `file:line:column: message`, the form editors and CI annotate.
  var text: String { "\(file):\(line):\(column): \(message)" }

  var json: Value {
    var v: Value = [
      "file": .string(file), "line": .int(Int64(line)), "column": .int(Int64(column)),
      "message": .string(message),
    ]
    if let kind { v["kind"] = .string(kind) }
    if let name { v["name"] = .string(name) }
    if let field { v["field"] = .string(field) }
    return v
  }
}

/// Checks manifest files the way the sync engine will read them: YAML or JSON that
/// decodes, documents that are objects, and objects whose basic fields are valid.
struct ManifestValidator {
  var decoder = ManifestDecoder()

  /// The documents found in `file` and every problem in it.
  func validate(file: String) -> (documents: [ParsedDocument], findings: [Finding]) {
    guard let data = FileManager.default.contents(atPath: file) else {
      return ([], [Finding(file: file, line: 1, column: 1, message: "cannot read file")])
    }
    let json = file.lowercased().hasSuffix(".json")
    let (documents, errors) = decoder.decode([UInt8](data), file: file, json: json)
    var findings = errors.map {
      Finding(file: file, line: $0.position.line, column: $0.position.column, message: $0.message)
    }
    for doc in documents {
      guard let object = try? Object(doc.value) else { continue }
      let kind = object.kind
      let name = object.name ?? object.generateName
      let subject =
        switch (kind, name) {
        case (let k?, let n?): "\(k) \"\(n)\": "
        case (let k?, nil): "\(k): "
        case (nil, let n?): "object \"\(n)\": "
        case (nil, nil): ""
        }
      for error in object.validateBasics() {
        let pos = position(of: error, in: doc)
        findings.append(
          Finding(
            file: file, line: pos.line, column: pos.column, message: subject + error.description,
            kind: kind, name: name, field: error.field.description))
      }
    }
    findings.sort { ($0.line, $0.column) < ($1.line, $1.column) }
    return (documents, findings)
  }

  /// Where to point for `error`: its field, or, when the field is a map and the bad value
  /// is one of its keys or values (as for `metadata.labels`), that member.
  func position(of error: FieldError, in doc: ParsedDocument) -> SourcePosition {
    if case .string(let bad)? = error.badValue, case .map(let m)? = doc.value[path: error.field] {
      if m[bad] != nil { return doc.position(of: error.field.appending(bad), key: true) }
      if let member = m.first(where: { $0.value == .string(bad) }) {
        return doc.position(of: error.field.appending(member.key))
      }
    }
    return doc.position(of: error.field)
  }
}
