import ArgumentParser
import CorbiCore
import CorbiServer
import Foundation

/// `corbi serve`: webhooks, one-click unsubscribe, /healthz, /metrics and the dispatcher.
/// Thin: the server is `CorbiServer`.
public struct ServeCommand: CorbiCommand {
    public static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Receive the providers' webhooks and send due messages until stopped (SIGTERM, Ctrl-C).",
        discussion: """
            Endpoints: GET /healthz, GET /metrics (Prometheus), GET and POST \
            /webhooks/DOMAIN/whatsapp|instagram, POST /webhooks/DOMAIN/telegram, GET and POST \
            /unsubscribe/TOKEN. Acts as webhook:CHANNEL and dispatcher in the audit trail; \
            needs no --user. Logs go to stderr.
            """)
    @Option(help: "The address to listen on (127.0.0.1: this machine only).") var host = "127.0.0.1"
    @Option(help: "The port (0 picks a free one, named in the 'Listening on' line).") var port = 8080
    @Flag(help: "Do not send messages: webhooks and metrics only.") var noDispatch = false
    @OptionGroup public var globals: GlobalOptions

    public init() {}

    public func execute(in session: Session) throws -> CommandOutput {
        guard !session.isShell else { throw CorbiError.usage("serve runs in a process of its own: corbi serve.") }
        guard (0...65535).contains(port) else { throw CorbiError.usage("--port must be 0 to 65535.") }
        let host = host.trimmingCharacters(in: .whitespaces)
        guard !host.isEmpty else { throw CorbiError.usage("--host must name an address.") }
        let workspace = session.workspace
        let options = ServerOptions(host: host, port: port, dispatch: !noDispatch)
        let failure: CorbiError? = AsyncBridge.wait {
            do {
                try await CorbiServer.run(workspace: workspace, options: options)
                return nil
            } catch let error as CorbiError {
                return error
            } catch {
                return .temporary("Cannot serve on \(options.host):\(options.port): \(error)")
            }
        }
        if let failure { throw failure }
        return CommandOutput(text: "", json: ConfirmationJSON(message: "Stopped."))
    }
}
