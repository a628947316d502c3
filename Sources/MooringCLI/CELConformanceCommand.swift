import ArgumentParser
import CEL
import Foundation

/// `mooring cel conformance PATH...`: runs CEL conformance files (the JSON form of
/// google/cel-spec's simple tests) through Mooring's CEL engine.
struct CELConformanceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "conformance",
    abstract: "Run CEL conformance test files and print pass counts per file.",
    discussion: """
      Each PATH is a .json conformance file or a directory of them. Prints one line per \
      file and a last line `N passed, M failed`. Cases that need protobuf messages are \
      counted as skipped. Exit status 1 when any case fails.
      """)

  @Argument(help: "Conformance files or directories.")
  var paths: [String]

  @Flag(name: .long, help: "Print every failing case with the reason.")
  var verbose = false

  func run() throws {
    var files: [String] = []
    let fm = FileManager.default
    for path in paths {
      var isDir: ObjCBool = false
      guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
        throw ValidationError("no such file or directory: \(path)")
      }
      if isDir.boolValue {
        let names = (try fm.contentsOfDirectory(atPath: path)).filter { $0.hasSuffix(".json") }
        files += names.sorted().map { (path as NSString).appendingPathComponent($0) }
      } else {
        files.append(path)
      }
    }
    let engine = CELConformanceEngine()
    var passed = 0
    var failed = 0
    var skipped = 0
    for file in files {
      guard let data = fm.contents(atPath: file) else {
        throw ValidationError("cannot read \(file)")
      }
      let cases: [CELConformanceCase]
      do {
        cases = try CELConformance.cases(fromJSON: [UInt8](data))
      } catch {
        print("\(file): not a conformance file: \(error)")
        failed += 1
        continue
      }
      var p = 0
      var f = 0
      var s = 0
      for c in cases {
        if c.unsupported != nil {
          s += 1
          continue
        }
        let (ok, why) = CELConformance.judge(c, engine.run(c))
        if ok {
          p += 1
        } else {
          f += 1
          if verbose { print("  FAIL \(c.id): \(why)  [\(c.expr)]") }
        }
      }
      let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
      print("\(name): \(p) passed, \(f) failed" + (s > 0 ? ", \(s) skipped" : ""))
      passed += p
      failed += f
      skipped += s
    }
    print("\(passed) passed, \(failed) failed" + (skipped > 0 ? ", \(skipped) skipped" : ""))
    if failed > 0 { throw ExitCode(1) }
  }
}
