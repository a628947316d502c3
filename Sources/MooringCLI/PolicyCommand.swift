import ArgumentParser

/// `mooring policy ...`: tools for ValidatingAdmissionPolicy authors.
struct PolicyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "policy",
    abstract: "Test ValidatingAdmissionPolicies offline with the daemon's engine.",
    subcommands: [PolicyTestCommand.self])
}
