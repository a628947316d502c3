import Admission
import ArgumentParser
import Foundation

/// `mooring policy test [PATH...]`: runs every `mooring-test.yaml` under the paths with
/// the daemon's admission engine, for CI.
struct PolicyTestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "test",
    abstract: "Run the policy tests (mooring-test.yaml) under the given paths.",
    discussion: """
      Prints a table (result, policy, resource, operation, expected, got, message) and \
      `N passed, M failed`. --output json prints JSON instead; --output junit FILE also \
      writes JUnit XML to FILE (the first path after `junit`, or --output junit=FILE). \
      Exit status: 0 when every expectation holds, 1 when one does not, 2 on an error in \
      the test files themselves (including no tests at all).
      """)

  @Option(name: [.short, .long], help: "table (default), json, or junit FILE.")
  var output: String = "table"

  @Argument(help: "Directories to search for mooring-test.yaml, or test files.")
  var paths: [String] = []

  func run() throws {
    var paths = paths
    var format = output
    var junitFile: String?
    if format.hasPrefix("junit=") {
      junitFile = String(format.dropFirst("junit=".count))
      format = "junit"
    } else if format == "junit" {
      guard !paths.isEmpty else {
        throw ValidationError("--output junit needs a FILE: --output junit report.xml [PATH...]")
      }
      junitFile = paths.removeFirst()
    }
    guard ["table", "json", "junit"].contains(format) else {
      throw ValidationError("--output must be table, json or junit FILE, not \(output)")
    }
    if paths.isEmpty { paths = ["."] }
    var cases: [PolicyTestCase] = []
    do {
      let files = try PolicyTestRunner.findTestFiles(paths)
      guard !files.isEmpty else {
        fail(
          "no \(PolicyTestRunner.fileName) found under \(paths.joined(separator: " ")): "
            + "zero tests is an error, not a pass")
      }
      for file in files {
        cases += try PolicyTestRunner.run(PolicyTestSuite.load(file: file))
      }
    } catch {
      fail(error.description)
    }
    if cases.isEmpty { fail("no tests ran: zero tests is an error, not a pass") }
    let report = PolicyTestReport(cases: cases)
    if format == "json" {
      print(report.json(), terminator: "")
    } else {
      print(report.table(), terminator: "")
    }
    if let junitFile {
      do {
        try Data(report.junit().utf8).write(to: URL(fileURLWithPath: junitFile))
      } catch {
        fail("cannot write \(junitFile): \(error.localizedDescription)")
      }
    }
    if report.failed > 0 { throw ExitCode(1) }
  }

  private func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
    Foundation.exit(2)
  }
}
