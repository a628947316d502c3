import ArgumentParser
import Foundation
import Objects

/// `mooring validate PATH...`: checks manifest files before they reach Git.
struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check that manifest files parse and declare valid objects.",
    discussion: """
      Reads every .yaml, .yml and .json file under the given paths (hidden folders such \
      as .git are skipped) and reports each problem as file:line:column: message. \
      When every file parses, it then runs what a sync would: the CRD schemas and \
      ValidatingAdmissionPolicies declared in the paths over every object (policies that \
      do not compile are reported where they are declared). \
      Exit status: 0 when all are valid, 1 when any is invalid, 2 on a usage error.
      """)

  enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
  }

  @Argument(help: "Files or directories to check.")
  var paths: [String]

  @Option(name: [.short, .long], help: "Output format: text or json.")
  var output: OutputFormat = .text

  /// Admission runs when parsing found nothing (a broken file would make the policies'
  /// view of the tree incomplete); tests can force it.
  var admissionEvenWithErrors = false

  func run() throws {
    let files: [String]
    do {
      files = try ManifestFinder.files(under: paths)
    } catch let error as UsageError {
      throw ValidationError(error.description)
    }
    let validator = ManifestValidator()
    var findings: [Finding] = []
    var documents: [(file: String, doc: ParsedDocument)] = []
    for file in files {
      let result = validator.validate(file: file)
      documents += result.documents.map { (file, $0) }
      findings += result.findings
    }
    let objects = documents.count
    if findings.isEmpty || admissionEvenWithErrors {
      findings += ManifestAdmission().check(documents)
    }
    findings.sort { ($0.file, $0.line, $0.column) < ($1.file, $1.line, $1.column) }
    switch output {
    case .text:
      for f in findings { print(f.text) }
      let summary =
        "\(files.count) file\(files.count == 1 ? "" : "s"), \(objects) object"
        + "\(objects == 1 ? "" : "s")"
      if findings.isEmpty {
        print("\(summary): valid")
      } else {
        let n = findings.count
        FileHandle.standardError.write(
          Data("\(summary): \(n) error\(n == 1 ? "" : "s")\n".utf8))
      }
    case .json:
      let report: Value = [
        "valid": .bool(findings.isEmpty),
        "files": .int(Int64(files.count)),
        "objects": .int(Int64(objects)),
        "errors": .list(findings.map(\.json)),
      ]
      print(JSON.encode(report, pretty: true))
    }
    if !findings.isEmpty { throw ExitCode(1) }
  }
}
