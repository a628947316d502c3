import ArgumentParser

/// `mooring cel ...`: tools for policy authors and for checking the CEL engine.
struct CELCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cel",
    abstract: "Evaluate CEL expressions and run CEL conformance tests.",
    subcommands: [CELEvalCommand.self, CELConformanceCommand.self])
}
