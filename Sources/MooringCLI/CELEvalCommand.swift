import ArgumentParser
import CEL
import Foundation
import Objects
import YAML

/// `mooring cel eval EXPR`: evaluates an expression the way an admission policy would,
/// for policy authors trying rules out.
struct CELEvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Evaluate a CEL expression and print the result.",
    discussion: """
      Variables come from YAML or JSON files: --var name=file binds `name`, and \
      --object file binds `object` (as in a ValidatingAdmissionPolicy). The environment \
      is Kubernetes' (strings, lists, regex, URL, quantity, IP, CIDR, format, semver, \
      sets, optionals) unless --all adds cel-go's math, encoders and list extensions. \
      Errors print with line, column and a caret; exit status 1.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable { case yaml, json }

  @Argument(help: "The CEL expression.")
  var expression: String

  @Option(name: .customLong("var"), help: "Bind a variable: name=file.yaml|json.")
  var variables: [String] = []

  @Option(help: "Bind `object` to the object in this YAML or JSON file.")
  var object: String?

  @Flag(help: "Enable every library, not only Kubernetes' set.")
  var all = false

  @Option(name: [.short, .long], help: "Output format: yaml or json.")
  var output: Format = .yaml

  func run() throws {
    var env = all ? CELEnvironment.all() : CELEnvironment.kubernetes()
    var bindings: [String: CELValue] = [:]
    var specs = variables.map { spec -> (String, String) in
      let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
      return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
    }
    if let object { specs.append(("object", object)) }
    for (name, file) in specs {
      guard !name.isEmpty, !file.isEmpty else {
        throw ValidationError("--var takes name=file, got \(name)=\(file)")
      }
      let contents =
        file == "-"
        ? FileHandle.standardInput.readDataToEndOfFile()
        : FileManager.default.contents(atPath: file)
      guard let data = contents else {
        throw ValidationError("cannot read \(file)")
      }
      let value: Value
      if file.hasSuffix(".json") {
        value = try JSON.decode([UInt8](data))
      } else {
        value = try YAMLDecoder().decode([UInt8](data), file: file).first?.value ?? .null
      }
      bindings[name] = CELValue(value)
      env.declare(name, .dyn)
    }
    let parsed: ParsedExpr
    do {
      parsed = try CELParser.parse(expression)
    } catch {
      FileHandle.standardError.write(Data((error.description + "\n").utf8))
      throw ExitCode(1)
    }
    let checked: CELCheckedExpr
    switch CELChecker.check(parsed, environment: env) {
    case .failure(let e):
      FileHandle.standardError.write(Data((e.description + "\n").utf8))
      throw ExitCode(1)
    case .success(let c):
      checked = c
    }
    let program = try CELProgram(checked.parsed, environment: env)
    let result = program.evaluate(bindings)
    if case .error(let e) = result {
      var message = "error: \(e.message)"
      if let id = e.exprID, let offset = parsed.source.offsets[id] {
        let (line, column) = parsed.source.location(ofOffset: offset)
        message =
          "ERROR: <input>:\(line):\(column): \(e.message)\n"
          + parsed.source.excerpt(atOffset: offset)
      }
      FileHandle.standardError.write(Data((message + "\n").utf8))
      throw ExitCode(1)
    }
    guard let json = result.jsonValue else {
      print(result.debugText)
      return
    }
    switch output {
    case .yaml: print(YAMLEncoder().encode(json), terminator: "")
    case .json: print(JSON.encode(json, pretty: true))
    }
  }
}
