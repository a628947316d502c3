import ArgumentParser
import Foundation

/// The `mooring` command: the daemon and the tools around it.
@main
struct Mooring: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mooring",
    abstract: "A GitOps control plane: a Kubernetes-style store moored to Git.",
    discussion: """
      Exit status: 0 on success, 1 when the input is invalid, 2 on a usage error.
      """,
    version: MooringVersion.string,
    subcommands: [
      ServeCommand.self, StatusCommand.self, ReconcileCommand.self, DriftCommand.self,
      HistoryCommand.self, AuditCommand.self, KubeconfigCommand.self,
      ValidateCommand.self, PolicyCommand.self, CELCommand.self, StoreCommand.self,
    ]
  )

  /// Runs the command, mapping usage errors to exit status 2 (the argument parser's
  /// own default is 64).
  static func main() async {
    do {
      var command = try parseAsRoot()
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch let exit as ExitCode {
      Foundation.exit(exit.rawValue)
    } catch {
      let code = exitCode(for: error)
      if code == .validationFailure {
        FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
        Foundation.exit(2)
      }
      self.exit(withError: error)
    }
  }
}

/// The version `mooring --version` prints.
enum MooringVersion {
  static let string = "0.1.0"
}
